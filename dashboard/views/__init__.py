"""The Streamlit pages: widgets and layout only; every rule lives in query, aggregate, maps, charts."""
