"""The Streamlit pages of app.py: 起草, 审阅, 管理, and the services they call."""
