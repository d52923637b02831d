"""The `argo-orchestration` command: argument parsing, exit codes and output files only.

Every rule of the domain lives in `spec/` and `argo/`; the commands adapt their results to a
terminal (`main.py`), read a PATH as a spec file or a program (`sources.py`) and write `-o DIR`
(`output_dir.py`).
"""
