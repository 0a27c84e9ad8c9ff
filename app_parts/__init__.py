"""Parts of the Streamlit page `app.py` that are large enough to be modules of their own.

Why outside `assistant/`: they import streamlit, and no module of the package may
(tests/test_architecture.py); like `app.py` and `pages/`, they only render. What they show is
computed in `assistant.presentation`. `streamlit run app.py` (and AppTest) put the script's folder
on sys.path, so `app.py` imports them as `app_parts.<module>`.
"""
