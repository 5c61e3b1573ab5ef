print("gemma-repl")
