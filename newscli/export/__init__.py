"""Publishing: feeds and the static site, built from the same articles and Markdown rendering."""
