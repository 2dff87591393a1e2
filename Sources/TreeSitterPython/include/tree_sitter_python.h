#ifndef REKEY_TREE_SITTER_PYTHON_H
#define REKEY_TREE_SITTER_PYTHON_H

typedef struct TSLanguage TSLanguage;

// Defined by the fetched tree-sitter-python 0.23.6 parser.c (see Grammars/grammars.lock).
const TSLanguage *tree_sitter_python(void);

#endif
