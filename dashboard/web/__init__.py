"""The web server's side: sign-in, session tokens, throttle and socket settings."""
