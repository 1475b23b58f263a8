print("token-server: not yet")
