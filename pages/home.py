"""總覽: the headline counts of the meeting packet."""
import streamlit as st

from dashboard import queries
from dashboard.dates import roc_date
from pages import common

with common.session() as s:
    frame = common.proposals()
    head = queries.headline(s, frame=frame)
    info = queries.meeting_info(s)

st.title("北臺區域發展推動委員會 合作提案儀表板")
if info:
    st.caption(f"{info.meeting.name}｜{roc_date(info.meeting.date)} {info.meeting.start_time:%H:%M}｜{info.meeting.venue}")

cols = st.columns(4)
cols[0].metric("111年度列管案", f"{head.carried} 案", help="本次會議決定解除列管或持續列管")
cols[1].metric("擬解除列管／持續列管", f"{head.carried_delist}／{head.carried_keep} 案")
cols[2].metric("112年度新增提案", f"{head.new} 案")
cols[3].metric("請求中央協助／八縣市共同合作", f"{head.central}／{head.joint} 案")
