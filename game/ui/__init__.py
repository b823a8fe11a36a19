"""The pygame shell: the window, its scenes and widgets. The only package that imports pygame."""
