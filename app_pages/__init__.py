"""The Streamlit pages of app.py: 起草, 审阅, 管理. They call the use cases (nianbao.usecases)."""
