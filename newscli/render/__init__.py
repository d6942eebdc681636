"""Output for people and scripts. Only this package imports Rich, and only when it renders."""
