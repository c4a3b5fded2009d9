"""The one place for the controlled vocabularies and their colours.

Colours come from the Okabe-Ito palette, which readers with the common colour-vision
deficiencies can tell apart; every use of a colour also carries the label as text.
"""

TRACKS = {
    "carried": "111年度列管案",
    "central": "請求中央協助",
    "joint": "八縣市共同合作",
}

# Tracking axis: is the proposal still followed by the committee?
TRACKING_STATUSES = ["列管中", "建議解除列管", "解除列管", "持續列管"]
TRACKING_COLORS = {
    "列管中": "#0072B2",
    "建議解除列管": "#E69F00",
    "解除列管": "#009E73",
    "持續列管": "#CC79A7",
}

# Progress axis: where the work itself stands.
PROGRESS_STATUSES = ["規劃中", "執行中", "已完成", "待中央回應", "中央已回應", "已取消"]
PROGRESS_COLORS = {
    "規劃中": "#56B4E9",
    "執行中": "#0072B2",
    "已完成": "#009E73",
    "待中央回應": "#D55E00",
    "中央已回應": "#CC79A7",
    "已取消": "#999999",
}

# The five boxes of the proposal card (提案類型), in card order.
PROPOSAL_TYPES = [
    "跨縣市實質合作議題",
    "促請中央修正法案",
    "申請中央補助經費",
    "縣市治理經驗與成果分享",
    "其他",
]

CITY_SCOPES = {"all": "北臺八縣市", "partial": "部分縣市"}

# Resolutions the vice-mayors' meeting can record for an item.
RESOLUTIONS = ["照案通過", "修正後通過", "保留", "不通過"]
UNDECIDED = "未決議"  # shown wherever a proposal has no recorded resolution yet

RESOLUTION_COLORS = {
    "照案通過": "#009E73",
    "修正後通過": "#56B4E9",
    "保留": "#E69F00",
    "不通過": "#D55E00",
}
