"""Streamlit's own English on screen, in Chinese: the words its widgets draw that no setting changes.

Streamlit 1.67 draws a few texts of its own in English: under a text field 「Press Enter to submit
form」 (「Press Ctrl+Enter …」 under a text area), the file uploader's 「Upload」 and 「5MB per
file」, the table toolbar's tips (「Download as CSV」, 「Search」, 「Fullscreen」…), a select box's
「Choose an option」, the 「Page not found」 dialog for an unknown address, and labels read aloud
by screen readers (「Skip to main content」, 「Show password」, 「Help for …」). No option turns
them off without losing what they do (the text field's 「已輸入／上限」 count is in the same line as
「Press Enter」), so one small script replaces those texts in the page as Streamlit draws them:
whole text nodes and the aria-label, title and placeholder attributes, from the fixed table below
(exact texts, and a few patterns with a label in them). Nothing else is touched: store text never
equals one of these English phrases, and a pattern keeps its label as it was.

Installed by styling.style() on every page, once per browser tab (a MutationObserver).
"""

import json

# Exact texts (a whole text node or attribute value) -> Chinese.
EXACT = {
    # Text fields and forms (the 「已輸入／上限」 count beside them is Streamlit's own and stays)
    "Press Enter to submit form": "按 Enter 送出表單",
    "Press Enter to apply": "按 Enter 套用",
    "Press Ctrl+Enter to submit form": "按 Ctrl+Enter 送出表單",
    "Press ⌘+Enter to submit form": "按 ⌘+Enter 送出表單",
    "Press Ctrl+Enter to apply": "按 Ctrl+Enter 套用",
    "Press ⌘+Enter to apply": "按 ⌘+Enter 套用",
    "Show password": "顯示輸入的字",
    "Hide password": "隱藏輸入的字",
    # Select boxes, numbers, dates
    "Choose an option": "請選擇",
    "Choose options": "請選擇",
    "No results": "沒有符合的選項",
    "Clear value": "清除",
    "Clear all": "全部清除",
    "Open": "展開選單",
    "Close": "關閉",
    "Increment": "增加",
    "Decrement": "減少",
    "Choose date": "選擇日期",
    "Choose time": "選擇時間",
    # File uploader
    "Upload": "選擇檔案",
    "Browse files": "選擇檔案",
    "Drag and drop file here": "將檔案拖放到這裡",
    "Drag and drop files here": "將檔案拖放到這裡",
    "file upload": "上傳檔案",
    "Delete": "刪除",
    "Remove file": "移除檔案",
    # Table toolbar and grid
    "Download as CSV": "下載 CSV",
    "Search": "搜尋",
    "Fullscreen": "全螢幕",
    "Exit fullscreen": "離開全螢幕",
    "Close fullscreen": "離開全螢幕",
    "Show/hide columns": "顯示／隱藏欄位",
    "Add row": "新增一列",
    "Delete row(s)": "刪除所選的列",
    "Clear selection": "取消選取",
    "Close Search": "關閉搜尋",
    "Next Result": "下一筆",
    "Previous Result": "上一筆",
    # The page around: navigation, sidebar, headings, dialogs
    "Skip to main content": "跳至主要內容",
    "Sidebar": "側邊欄",
    "App pages": "頁面",
    "Collapse sidebar": "收合側邊欄",
    "Expand sidebar": "展開側邊欄",
    "Link to heading": "標題連結",
    "Page not found": "找不到這個頁面",
    "The page that you have requested does not seem to exist. Running the app's main page.": (
        "網址所指的頁面不存在，已改為開啟總覽。"
    ),
    "Running...": "執行中…",
    "Stop": "停止",
    "Connecting": "連線中",
    "Main menu": "選單",
}

# Patterns: (JavaScript regular expression, replacement with $1 for the label kept as it was).
PATTERNS = [
    (r"^Help for (.+)$", "$1的說明"),
    (r"^Fullscreen: (.+)$", "全螢幕：$1"),
    (r"^(\S+) per file$", "每個檔案上限 $1"),
    (r"^year, (.+)$", "$1（年）"),
    (r"^month, (.+)$", "$1（月）"),
    (r"^day, (.+)$", "$1（日）"),
    (r"^hour, (.+)$", "$1（時）"),
    (r"^minute, (.+)$", "$1（分）"),
]

# A date or time field's empty segments show their format (yyyy, mm, dd, HH, mm); the segment's
# aria-label (「month, 會議日期」) says which, so 「mm」 becomes 月 or 分 as it should.
SEGMENTS = {
    **{"year": "年", "month": "月", "day": "日", "hour": "時", "minute": "分"},
    **{"年": "年", "月": "月", "日": "日", "小時": "時", "分鐘": "分", "時": "時", "分": "分"},  # zh-TW browsers
}
SEGMENT_TEXTS = ["yyyy", "mm", "dd", "HH", "hh", "MM", "yy"]

ATTRIBUTES = ["aria-label", "title", "placeholder", "data-title"]

_SCRIPT = """<script>
(() => {
  if (window.btChromeText) { window.btChromeText(document.body); return; }
  const exact = __EXACT__, patterns = __PATTERNS__.map(([p, r]) => [new RegExp(p), r]);
  const segments = __SEGMENTS__, segmentTexts = new Set(__SEGMENT_TEXTS__), attributes = __ATTRIBUTES__;
  const translate = (text) => {
    const key = text.trim();
    if (!key) return null;
    if (Object.prototype.hasOwnProperty.call(exact, key)) return text.replace(key, exact[key]);
    for (const [pattern, replacement] of patterns) if (pattern.test(key)) return text.replace(key, key.replace(pattern, replacement));
    return null;
  };
  const segment = (node) => {
    const owner = node.parentElement && node.parentElement.closest("[aria-label]");
    const kind = owner && owner.getAttribute("aria-label").split(",")[0].trim();
    return segments[kind] || segments[(owner && owner.dataset.btSegment) || ""] || null;
  };
  const fixText = (node) => {
    const text = node.nodeValue;
    if (segmentTexts.has(text.trim())) {
      const chinese = segment(node);
      if (chinese) node.nodeValue = chinese;
      return;
    }
    const chinese = translate(text);
    if (chinese !== null && chinese !== text) node.nodeValue = chinese;
  };
  const fixElement = (el) => {
    for (const name of attributes) {
      const value = el.getAttribute(name);
      if (!value) continue;
      if (name === "aria-label") {  // a date segment keeps its kind for its text (translated below)
        const kind = value.split(",")[0].trim();
        if (segments[kind]) el.dataset.btSegment = kind;
      }
      const chinese = translate(value);
      if (chinese !== null && chinese !== value) el.setAttribute(name, chinese);
    }
  };
  const fix = (root) => {
    if (root.nodeType === Node.TEXT_NODE) { fixText(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    if (root.closest("script,style")) return;
    fixElement(root);
    for (const el of root.querySelectorAll("*")) fixElement(el);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.closest("script,style")) fixText(node);
    }
  };
  window.btChromeText = fix;
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") fixText(r.target);
      else if (r.type === "attributes") fixElement(r.target);
      else for (const added of r.addedNodes) fix(added);
    }
  }).observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true,
                             attributeFilter: attributes});
  fix(document.body);
})();
</script>"""


def script() -> str:
    """The <script> element that installs the replacement (once per tab; later runs re-scan)."""
    return (
        _SCRIPT.replace("__EXACT__", json.dumps(EXACT, ensure_ascii=False))
        .replace("__PATTERNS__", json.dumps(PATTERNS, ensure_ascii=False))
        .replace("__SEGMENTS__", json.dumps(SEGMENTS, ensure_ascii=False))
        .replace("__SEGMENT_TEXTS__", json.dumps(SEGMENT_TEXTS))
        .replace("__ATTRIBUTES__", json.dumps(ATTRIBUTES))
    )
