"""北臺區域發展推動委員會合作提案儀表板: data model, store, queries, figures and maps (no Streamlit here)."""
