"""Practice in the browser: role-play runs stored turn by turn, debriefs and label corrections."""
