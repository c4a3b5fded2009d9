import streamlit as st

st.info("此頁建置中。")
