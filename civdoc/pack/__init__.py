"""The 网上申报 package (`civdoc pack`): what goes where, decided from a check result (plan), and
reproducible zips split under the upload limit (zips). commands/pack.py copies and writes; the
photo books and the 材料目录 are drawn in render/.
"""
