//! Sealing an approved report: a new ASC MHL v2 generation in each media folder.
