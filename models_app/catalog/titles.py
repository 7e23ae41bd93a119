from models_app.folding import fold

MAX_TITLE_KEY_LENGTH = 600

# What makes two titles the same for one owner (S-1).
title_key = fold
