/**
 * One element of a token sequence: a string or a number, compared by value.
 * A string token matches a one-character string element of a `str` sequence, as
 * in Python (`'a' == 'a'`); a number token never equals a string.
 */
export type Token = string | number;

/**
 * A sequence to compare: a string (compared per Unicode code point, exactly as a
 * Python `str`) or an array of tokens (compared by value, as a Python list).
 */
export type Sequence = string | readonly Token[];
