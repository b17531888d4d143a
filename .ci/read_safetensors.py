#!/usr/bin/env python3
"""Reads a .safetensors file and prints it as JSON; exits 1, saying why, if the file is invalid.

Written from the format's description (the huggingface/safetensors README and docs), with the Python standard
library only, to check scratchnet's writer against a reader that shares no code with it:

  8 bytes   N, the header's length, an unsigned 64-bit little-endian integer
  N bytes   a UTF-8 JSON object, beginning with "{" and possibly padded with trailing spaces:
            {name: {"dtype", "shape", "data_offsets": [begin, end]}} and an optional
            "__metadata__": {string: string}; keys are unique
  the rest  the byte buffer: each tensor's little-endian, row-major values at [begin, end),
            offsets relative to the buffer's start; the tensors cover it without holes or overlaps

Output: {"metadata": {...}, "tensors": {name: {"dtype", "shape", "data_offsets", "values"}}} in
the header's order, values flattened; NaN and infinities as the strings "NaN", "Infinity" and
"-Infinity" (JSON has no such numbers). Dtypes without a struct code have "values": null.

usage: read_safetensors.py FILE
"""
import json
import math
import struct
import sys

MAX_HEADER = 100_000_000  # the reference implementation refuses larger headers

# dtype: (bytes per value, struct format code or None when the values are not decoded here)
DTYPES = {
    'BOOL': (1, '?'), 'U8': (1, 'B'), 'I8': (1, 'b'), 'F8_E5M2': (1, None), 'F8_E4M3': (1, None),
    'U16': (2, 'H'), 'I16': (2, 'h'), 'F16': (2, 'e'), 'BF16': (2, None),
    'U32': (4, 'I'), 'I32': (4, 'i'), 'F32': (4, 'f'),
    'U64': (8, 'Q'), 'I64': (8, 'q'), 'F64': (8, 'd'), 'C64': (8, None),
}
ENTRY_KEYS = {'dtype', 'shape', 'data_offsets'}


class Invalid(Exception):
    pass


def no_duplicates(pairs):
    # json.loads would silently keep the last of two equal keys; the format disallows them
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise Invalid(f'duplicate key {key!r} in the header')
        obj[key] = value
    return obj


def no_constant(name):
    raise Invalid(f'the header holds {name}, which is not JSON')


def is_count(x):
    # bool is a subclass of int in Python, and 2.0 is a float: neither is an offset or a dimension
    return type(x) is int and x >= 0


def parse_header(raw):
    if not raw.startswith(b'{'):
        raise Invalid('the header does not begin with "{"')
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as e:
        raise Invalid(f'the header is not UTF-8 ({e})')
    # valid JSON that begins with "{" is an object: no further check of the header's type
    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constant)
    except json.JSONDecodeError as e:
        raise Invalid(f'the header is not JSON ({e})')


def check_metadata(metadata):
    if not isinstance(metadata, dict):
        raise Invalid('__metadata__ is not an object')
    for key, value in metadata.items():
        if not isinstance(value, str):
            raise Invalid(f'__metadata__[{key!r}] is not a string')
    return metadata


def check_entry(name, entry, buffer_length):
    if not isinstance(entry, dict) or set(entry) != ENTRY_KEYS:
        raise Invalid(f'{name}: expected exactly the keys {sorted(ENTRY_KEYS)}, got {entry!r}')
    dtype, shape, offsets = entry['dtype'], entry['shape'], entry['data_offsets']
    if dtype not in DTYPES:
        raise Invalid(f'{name}: unknown dtype {dtype!r}')
    if not isinstance(shape, list) or not all(is_count(d) for d in shape):
        raise Invalid(f'{name}: shape {shape!r} is not a list of non-negative integers')
    if not isinstance(offsets, list) or len(offsets) != 2 or not all(is_count(o) for o in offsets):
        raise Invalid(f'{name}: data_offsets {offsets!r} is not [begin, end] of non-negative integers')
    begin, end = offsets
    if end < begin:
        raise Invalid(f'{name}: data_offsets end {end} is before begin {begin}')
    if end > buffer_length:
        raise Invalid(f'{name}: data_offsets end {end} is past the {buffer_length}-byte buffer')
    needed = math.prod(shape) * DTYPES[dtype][0]
    if end - begin != needed:
        raise Invalid(f'{name}: {end - begin} bytes at {offsets}, but {dtype} {shape} needs {needed}')


def check_coverage(entries, buffer_length):
    expected = 0
    for name, entry in sorted(entries.items(), key=lambda item: tuple(item[1]['data_offsets'])):
        begin, end = entry['data_offsets']
        if begin != expected:
            what = 'overlaps the tensor before it' if begin < expected else f'leaves a hole of {begin - expected} bytes'
            raise Invalid(f'{name}: data_offsets begin {begin} {what} (expected {expected})')
        expected = end
    if expected != buffer_length:
        raise Invalid(f'{buffer_length - expected} bytes after the last tensor')


def decode(dtype, data, begin, end):
    size, code = DTYPES[dtype]
    if code is None:
        return None
    values = struct.unpack_from(f'<{(end - begin) // size}{code}', data, begin)
    return [v if not isinstance(v, float) or math.isfinite(v) else
            ('NaN' if math.isnan(v) else 'Infinity' if v > 0 else '-Infinity') for v in values]


def read(path):
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 8:
        raise Invalid(f'{len(data)} bytes: too short for the 8-byte header length')
    (n,) = struct.unpack_from('<Q', data, 0)
    if n > MAX_HEADER:
        raise Invalid(f'header length {n} is over the limit of {MAX_HEADER}')
    if 8 + n > len(data):
        raise Invalid(f'header length {n} runs past the end of the {len(data)}-byte file')
    header = parse_header(data[8:8 + n])
    buffer = memoryview(data)[8 + n:]
    metadata = check_metadata(header.pop('__metadata__', {}))
    for name, entry in header.items():
        check_entry(name, entry, len(buffer))
    check_coverage(header, len(buffer))
    tensors = {}
    for name, entry in header.items():
        begin, end = entry['data_offsets']
        tensors[name] = {**entry, 'values': decode(entry['dtype'], buffer, begin, end)}
    return {'metadata': metadata, 'tensors': tensors}


def main(argv):
    if len(argv) != 2:
        print('usage: read_safetensors.py FILE', file=sys.stderr)
        return 2
    try:
        result = read(argv[1])
    except (Invalid, OSError) as e:
        print(f'read_safetensors.py: {argv[1]}: {e}', file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, allow_nan=False)
    print()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
