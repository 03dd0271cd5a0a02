"""The web application: FastAPI app factory, sign-in, layout templates and static assets."""
