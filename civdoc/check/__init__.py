"""Stage 4, evaluate: the check pipeline (load → scan → recall → inspect → evaluate), item outcomes
remembered between runs (memo), and evaluate, which turns a scan and its inspections into a Result:
findings, item statuses and review stages. Pure: nothing here prints or writes outputs.

A new check belongs in civdoc/rules/ (one module per family), called from evaluate.py.
"""
