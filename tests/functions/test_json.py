"""The JSON functions (functions/json.py) against CPython's sqlite3 (SQLite 3.40.1).

Each case is an expression list run as ``SELECT <case>`` on both engines, with a
table ``t(a, b)`` holding (1, 'x'), (2, '[1]'), (3, NULL); rows, storage classes
and error messages must be identical."""

from __future__ import annotations

import random
import sqlite3
from typing import Any

import pytest

import pyrite

CASES = [
    'json_valid(NULL)',
    "json_valid('')",
    "json_valid(x'5b315d')",
    "json(x'5b315d')",
    "json_extract('{}')",
    'json_extract(\'{"a":1}\', NULL)',
    'json_extract(\'{"a":1}\', \'$.a\', NULL)',
    "json_extract('{}','$.')",
    "json_extract('[1]','$.')",
    "json_extract('{}','a')",
    "json_extract('{}','$x')",
    "json_extract('[1,2]','$[0]x')",
    "json_extract('[1,2]','$[4294967296]')",
    'json_array(1e999, -1e999, 1.0, 1e20, 0.1, 1e-7, 123456789012345678.0)',
    'json_quote(1.5)',
    'json_quote(NULL)',
    'json_quote(\'a"b\')',
    "json_quote(x'00')",
    "json_set('{}','$',5)",
    "json_set('{}','$','x')",
    "typeof(json_set('{}','$',5))",
    'json_set(\'{"a":1}\',\'$.a\',json(\'{"b":1}\'),\'$.a.b\',2)',
    "json_insert('[1]','$[#]',2,'$[#]',3)",
    "json_set('{}','$.a[0]',1)",
    "json_set('{}','$.a[1]',1)",
    "json_set('{}','$.a.',1)",
    'json_group_object(NULL, 1)',
    'json_patch(\'{"a":1,"a":2}\',\'{"a":null}\')',
    'json_patch(\'{"a":1}\',\'{"a":{"b":null,"c":[null]}}\')',
    'json_patch(\'{"a":1}\',\'{"b":{"x":null,"y":[null]},"c":null}\')',
    'json(\'  [1 , 2.50,"\\u0041"] \')',
    "json('1E5')",
    "json_extract('9223372036854775807','$')",
    "json_extract('9223372036854775808','$')",
    "json_extract('-9223372036854775808','$')",
    "json_extract('-9223372036854775809','$')",
    "json_extract('1e999','$')",
    'json_extract(\'"\\u0000abc"\',\'$\')',
    'json_extract(\'"a\\u0000abc"\',\'$\')',
    'hex(json_extract(\'"\\ud800"\',\'$\'))',
    'hex(json_extract(\'"\\udc80"\',\'$\'))',
    'hex(json_extract(\'"\\ud83d\\ude00"\',\'$\'))',
    'hex(json_extract(\'"\\ud83dx\\ude00"\',\'$\'))',
    'json_type(\'{"a":[1]}\',\'$.a\')',
    'json_type(\'{"a":[1]}\')',
    "json_type('1.0')",
    "json_array_length('[1,2]', NULL)",
    "json_array_length('{}')",
    "json_remove('[1,2]', NULL)",
    "json_remove('[1,2]', '$')",
    "json_object('a')",
    'json_object(1,2)',
    "json_set('{}', '$.a')",
    "json_replace('{}', '$.a')",
    "json_insert('{}', '$.a')",
    "json_remove('{}', 'x')",
    "json('[1]') -> 0",
    "'[1,2]' -> 1",
    "'[1,2]' ->> 1",
    '\'{"a":{"b":2}}\' -> \'a\'',
    '\'{"a":{"b":2}}\' ->> \'a\'',
    '\'{"a":{"b":2}}\' ->> \'$.a.b\'',
    "'[1,2]' ->> -1",
    "'[1,2]' ->> 1.5",
    "'[1,2]' ->> '[1]'",
    '\'{"a":1}\' -> NULL',
    "NULL -> 'a'",
    '\'{"a":"x"}\' -> \'a\'',
    '\'{"a":"x"}\' ->> \'a\'',
    '\'{"a":"x"}\' -> \'b\'',
    'json_extract(\'{"a":1,"b":[1,2]}\',\'$.a\',\'$.b\',\'$.c\')',
    'json(\'"\\x"\')',
    'json(\'"\' || char(9) || \'"\')',
    "json('[01]')",
    "json('-')",
    "json('1.')",
    "json('-.5')",
    "json('1.e5')",
    "json('.5')",
    "json('1e+')",
    "json('tru')",
    "json('nulll')",
    'json_valid(\'{"a":1,}\')',
    "json_valid('[1,]')",
    'json_valid(\'{"a"}\')',
    "json_valid('{1:2}')",
    'json(\'{"a" : 1 , "b":[ ] }\')',
    'json_group_array(1)',
    "json_object('a', x'00')",
    "json_array(x'00')",
    "json_extract(NULL, '$')",
    'json_type(NULL)',
    'json_array_length(NULL)',
    "json_quote(json('[1]'))",
    "json_quote('[1]')",
    "json_array(json_quote('x'))",
    "json(json_quote('x'))",
    "json_extract(x'7b7d', '$')",
    'json_insert(\'{"a":1}\',\'$.a\',2,\'$.b\',3)',
    'json_replace(\'{"a":1}\',\'$.a\',2,\'$.b\',3)',
    "json_object('a',1,'a',2)",
    "json_set('[1,2,3]','$[#-1]',9,'$[#]',10)",
    "json_extract('[1,2,3]','$[#-1]','$[#-3]','$[#-4]','$[#]')",
    "json_extract('[1]','$[#-0]')",
    "json_extract('[1]','$[ 0]')",
    'json_extract(\'{"a b":1}\',\'$."a b"\')',
    'json_extract(\'{"a b":1}\',\'$.a b\')',
    'json_extract(\'{"a":1}\',\'$."a\')',
    'json_extract(\'{"a.b":1}\',\'$."a.b"\')',
    'json_extract(\'{"\\u0061":1}\',\'$.a\')',
    "json_remove('[1,2,3]','$[0]','$[0]')",
    'json_array(1,\'a\',NULL,2.5,json(\'{"x":1}\'))',
    'json_object(\'k\', json(\'{"x":1}\'), \'j\', \'{"x":1}\')',
    "json(char(12)||'1')",
    "json(' 1 ')",
    "json('[1]'||char(0)||'x')",
    "json_valid('[1]'||char(0)||'x')",
    "json_set(NULL,'$',1)",
    'json_insert(NULL)',
    "json_array_length('[1,2]','$[5]')",
    "json_type('[1]','$[0]')",
    'json_type(\'[1.5, "a", true, false, null]\',\'$[1]\')',
    'json_type(\'{"a":1}\', \'x\')',
    'json_extract(\'{"a":1}\', \'$.a\', \'x\')',
    "json_extract('[1]','$[0', '$')",
    "json_remove('[1,2]','$[0]',NULL)",
    'json_set(\'{"a":1}\',\'$.a\',x\'00\')',
    'json_set(\'{"a":1}\',\'$.b\',x\'00\')',
    'json_set(\'{"a":1}\',\'$.b.c\',x\'00\')',
    'json_insert(\'{"a":1}\',\'$.a\',x\'00\')',
    "json_set('[1]','$[0]',json('[2]'),'$[0][0]',3)",
    'json_set(\'{"a":{}}\',\'$.a.b\',1,\'$.a.b.c\',2)',
    "json_set('{}','$.a',json('{}'),'$.a.b',1)",
    'json_set(\'{"a":{"x":1}}\',\'$.a.b.c\',1)',
    'json_remove(\'{"a":1,"a":2}\',\'$.a\',\'$.a\')',
    "json_replace('[1,2]','$[2]',3)",
    "json_set('[1,2]','$[2]',3)",
    "json_set('[1,2]','$[3]',3)",
    "json_set('[]','$[#-1]',3)",
    "json_remove('[1,2,3]','$[#-1]','$[#-1]')",
    "json_extract('[1,2,3]','$[#-1a]')",
    "json_extract('{}','$[#]')",
    "json_extract('[[1,2]]','$[0][#-1]')",
    'json_extract(\'{"a":"\\"q\\\\\\/\\b\\f\\n\\r\\t"}\',\'$.a\')',
    'json_quote(char(1,8,9,10,12,13,31,127,34,92))',
    'json_array(char(0))',
    'json_object(\'a"b\', 1)',
    'json_set(\'{}\', \'$."a\\"b"\', 1)',
    'json_set(\'{}\', \'$.a"b\', 1)',
    'json_extract(\'{"a\\"b":1}\', \'$."a\\"b"\')',
    'json_patch(\'[1]\',\'{"a":null,"b":2}\')',
    'json_patch(\'{"a":1}\',\'[1]\')',
    'json_patch(\'{"a":{"b":1}}\',\'{"a":{"b":null,"c":{"d":null}}}\')',
    'json_patch(\'{"a":1}\',\'{"a":2,"a":3}\')',
    'json_patch(\'{"a":1,"b":2}\',\'{"b":null,"c":3,"a":null}\')',
    'json_patch(\'{"a":{"x":1}}\',\'{"a":{"x":2},"a":{"x":3}}\')',
    'json_patch(\'{"a":{"x":1}}\',\'{"a":{"x":2},"a":{"y":3}}\')',
    'json_patch(\'{"a":[1,{"b":null}]}\',\'{"c":[{"d":null}],"e":{"f":[null],"g":null}}\')',
    "json_patch(NULL,'{}')",
    "json_patch('{}',NULL)",
    "json_patch('{','{}')",
    "json_patch('{}','x')",
    'json_object()',
    'json_array()',
    'json_group_array(NULL)',
    "json_type('')",
    "json_type('[1]','$[1]')",
    "json_array_length('[1,[2,3]]','$[1]')",
    "json_array_length('[1,[2,3]]','$[0]')",
    "json_array_length('[1]','x')",
    'json_valid(1)',
    'json_valid(1.5)',
    'json(1.5)',
    'json(100)',
    'json(\'"abc\')',
    "json(' ')",
    'json(\'{"a":1}   x\')',
    "'[1]' -> '$'",
    "'[1]' ->> '$'",
    '\'{"a":[1,2]}\' -> \'a[1]\'',
    '\'{"a":[1,2]}\' ->> \'a[1]\'',
    "'[[1,2]]' -> '[0][1]'",
    '\'{"":1}\' -> \'\'',
    "'[1]' -> '0x'",
    'json_extract(\'{"":1}\',\'$.""\')',
    'json_extract(\'{"":1}\',\'$.\')',
    'json_extract(\'{"a":1}\',\'$.a.b\')',
    'json_extract(\'{"a":1}\',\'$.a[0]\')',
    'json_extract(\'{"a":1}\',\'$.a[\')',
    'json_extract(\'{"a":[1]}\',\'$.a[\')',
    "json_extract('[1]','$[0].a')",
    "json_extract('[1]','$[0]]')",
    "json_set('1','$[0]',1)",
    "json_set('[]','$[0].a',1)",
    "json_set('[]','$[0][0]',1)",
    "json_set('[]','$[0][1]',1)",
    "json_set('{}','$.a[#]',1)",
    "json_insert('[]','$[#-0]',1)",
    "json_extract('[1,2]','$[#-2]')",
    "json_extract('[1,2]','$[#--1]')",
    'json_extract(\'"\\u00e9\\u20ac"\',\'$\')',
    "json_array('é', char(0x10000))",
    "json_array(json('[1]'))",
    "json_array(+json('[1]'))",
    "json_array(json('[1]') collate nocase)",
    'json_array(json_extract(\'{"a":[1]}\',\'$.a\'))',
    'json_array(json_extract(\'{"a":"[1]"}\',\'$.a\'))',
    'json_array(\'{"a":[1]}\' -> \'a\')',
    'json_array(\'{"a":[1]}\' ->> \'a\')',
    "json_array(json_set('{}','$','[1]'))",
    "json_array(json_set('{}','$',json('[1]')))",
    'json_array(json_group_array(1))',
    "json_array(json_group_object('a',json('[1]')))",
    "json_group_array(json('[1]'))",
    'json_group_array(json_array(a)) from t',
    'json_group_array(a) from t where 0',
    'json_group_object(a, b) from t',
    'json_group_object(b, a) from t',
    'json_group_array(distinct a % 2) from t',
    "json_object('a', json_array(1,2), 'b', json_object('c', json('null')))",
    "json_array(1) = '[1]'",
    'typeof(json_array(1))',
    "json_array(json_quote(1), json_quote('a'), json_quote(json('{}')))",
    "json_set('[1,2]', '$[0]', json_array(3))",
    "json_insert('{}', '$.x', json_object('y', 1))",
    'json_replace(\'{"x":1}\', \'$.x\', json(\'[2]\'))',
    'json_replace(\'{"x":1}\', \'$.x\', \'[2]\')',
    'json_array(a, b) from t',
    "json_extract(json_array(a, b), '$[1]') from t",
    "a, json_group_array(json_array(a)) over (order by a) from t",
    "a, json_group_object('k', json(coalesce(b,'1'))) over (order by a rows 1 preceding) from t",
    "json_array(json_group_array(a) over ()) from t",
    "a, json_object('w', json_group_array(a) over (order by a)) from t",
    "json_object('a', ifnull(json(b), 0), 'b', iif(a > 1, json(b), b)) from t where a < 3",
    "json_array(case when 1 then json('[1]') end)",
    "json_array(case a when 2 then json(b) when 1 then b else json_array(a) end) from t",
    "json_object('k', case when a > 1 then json(b) end) from t where a < 3",
    "json_valid(printf('%.*c%.*c', 2000, '[', 2000, ']'))",
    "json_valid(printf('%.*c%.*c', 2001, '[', 2001, ']'))",
    "json_valid(printf('%.*c1%.*c', 2000, '[', 2000, ']'))",
    "json_valid(printf('%.*c1%.*c', 1999, '[', 1999, ']'))",
    'json_valid(replace(printf(\'%.*c\', 2000, \'[\'), \'[\', \'{"a":\') || \'1\' || printf(\'%.*c\', 2000, \'}\'))',
    'json_valid(replace(printf(\'%.*c\', 2001, \'[\'), \'[\', \'{"a":\') || \'1\' || printf(\'%.*c\', 2001, \'}\'))',
    "json(printf('%.*c%.*c', 10000, '[', 10000, ']'))",
    "length(json(printf('%.*c%.*c', 2000, '[', 2000, ']')))",
    "json_extract(printf('%.*c5%.*c', 1999, '[', 1999, ']'), '$' || printf('%.*c', 1999, 'x'))",
    "json_array_length(printf('%.*c%.*c', 1000, '[', 1000, ']'))",
    "json_valid(printf('%.*c', 10000, '['))",
    "json_extract('123456789012345678901234567890','$')",
    "json_extract('-123456789012345678901234567890','$')",
    "json_extract('1e400','$')",
    "json_extract('-1e400','$')",
    "json_extract('1.7976931348623157e308','$')",
    "json_extract('4.9e-324','$')",
    "json_extract('0.1e-400','$')",
    "json('123456789012345678901234567890')",
    "json_extract('[0.1,0.2,1e10,1.5e-5,100.0]','$[0]','$[1]','$[2]','$[4]')",
    "json_extract('[1.0000000000000002]','$[0]')",
    "json_extract('[123456789.123456789]','$[0]')",
    "json_extract('[-0.0]','$[0]')",
    "json_extract('[-0]','$[0]')",
    "json_type('[-0.0]','$[0]')",
    'json_array(-0.0)',
    'json_array(0.1+0.2)',
    'json_array(1e15, 1e16, 123456789012345.6)',
    'json_array(9223372036854775807, -9223372036854775808)',
    "json_valid(x'80')",
    "json_valid(x'225c75443830302261')",
    "json(x'22ff22')",
    "hex(json(x'22ff22'))",
    "hex(json_extract(x'22ff22','$'))",
    "hex(json_array(cast(x'ff' as text)))",
    "json_valid(cast(x'5bff5d' as text))",
    'json_valid(\'"\' || char(0xd800) || \'"\')',
    'hex(json_extract(\'"\\uD800\\uDC00"\',\'$\'))',
    'hex(json_extract(\'"\\uDBFF\\uDFFF"\',\'$\'))',
    'hex(json_extract(\'"\\uDC00\\uD800"\',\'$\'))',
    'hex(json_extract(\'"\\uD800\\u0041"\',\'$\'))',
    'json_extract(\'"\\u00"\',\'$\')',
    'json_extract(\'"\\uzzzz"\',\'$\')',
    'json_extract(\'"\\U0041"\',\'$\')',
    'json(\'"\\/"\')',
    'json_extract(\'"\\/"\',\'$\')',
    "json_quote('/')",
    'json_quote(char(0x2028))',
    "json_valid('[1,2,3]   ')",
    "json_valid(' ')",
    "json_valid('[')",
    "json_valid(']')",
    'json_valid(\'{"a":}\')',
    'json_valid(\'{"a" 1}\')',
    'json_valid(\'{"a":1 "b":2}\')',
    "json_valid('[true, false, null]')",
    "json_valid('[True]')",
    "json_valid('[nan]')",
    "json_valid('[Infinity]')",
    "json_valid('[+1]')",
    "json_valid('[0x10]')",
    'json_valid(\'["a" "b"]\')',
    'json_valid(\'{"a":1}{"b":2}\')',
    "json_valid('1 2')",
    'json_valid(\'"\\t"\')',
    "json_valid('[1,,2]')",
    "json_valid('[,1]')",
    "json_valid('{,}')",
    'json_valid(\'{"a":1,,"b":2}\')',
    "json_valid('trueX')",
    "json_valid('true false')",
    "json_valid('[true,false]')",
    "json_valid('[1e5,1E+5,1e-5,-0.5e1]')",
    "json_valid('[1e5.5]')",
    "json_valid('[-]')",
    "json_valid('[--1]')",
    "json_valid('[1-1]')",
    "json_type('[9223372036854775808]','$[0]')",
    "json_type('[1e2]','$[0]')",
    'json_extract(\'{"a":1,"a":2}\',\'$.a\')',
    'json_set(\'{"a":1,"a":2}\',\'$.a\',3)',
    'json_patch(\'{"a":{"b":1},"a":{"c":2}}\',\'{"a":{"d":3}}\')',
    'json_remove(\'{"a":{"b":1}}\',\'$.a\',\'$.a.b\')',
    'json_remove(\'{"a":{"b":1,"c":2}}\',\'$.a.b\',\'$.a.c\')',
    "json_remove('[[1,2],[3]]','$[0][0]','$[0][0]','$[0][0]')",
    "json_remove('[1,2,3]','$[#]')",
    "json_remove('[1,2,3]','$[#-1]','$[#-1]','$[#-1]','$[#-1]')",
    "json_insert('[1,2,3]','$[#]',4,'$[#]',5,'$[5]',6)",
    "json_set('{}','$.a.b.c.d',1,'$.a.b.c.e',2)",
    "json_set('{}','$.a',1,'$.a',2)",
    "json_insert('{}','$.a',1,'$.a',2)",
    "json_set('[]','$[0]',1,'$[1]',2,'$[0]',3)",
    'json_set(\'{"a":1}\', \'$.a\', NULL)',
    'json_set(\'{"a":1}\', \'$\', NULL)',
    'json_set(\'{"a":1}\', \'$\', json(\'[1]\'))',
    'json_replace(\'{"a":1}\', \'$\', \'x\')',
    'json_insert(\'{"a":1}\', \'$\', \'x\')',
    "json_set('[1]', NULL, 2)",
    "json_set('[1]', '$[0]', 2, NULL, 3)",
    "json_set('{}', 5, 1)",
    "json_extract('[1,2]', 1)",
    'json_extract(\'{"1":2}\', \'$.1\')',
    '\'{"1":2}\' -> 1',
    '\'{"1":2}\' -> \'1\'',
    "'[1,2]' -> '1'",
    '\'{"a":[1]}\' ->> \'a\'',
    '\'{"a":[1]}\' ->> \'a[0]\'',
    '\'{"a b":1}\' ->> \'a b\'',
    '\'{"a":1}\' ->> \'"a"\'',
    '\'{"a":1}\' -> \'.a\'',
    "'[[1]]' -> '[0]'",
    "'[[1]]' ->> '[0]'",
    "'x' -> '$'",
    "'[1]' -> x'24'",
    '\'{"a":true}\' ->> \'a\'',
    '\'{"a":false}\' -> \'a\'',
    '\'{"a":null}\' -> \'a\'',
    '\'{"a":null}\' ->> \'a\'',
    'typeof(\'{"a":null}\' -> \'a\')',
    '\'{"a":1.5}\' ->> \'a\'',
    '\'{"a":"x\\ty"}\' ->> \'a\'',
    '\'{"a":"x\\ty"}\' -> \'a\'',
    'json_type(\'{"a":null}\', \'$.a\')',
    'json_type(\'{"a":null}\', \'$.b\')',
    "json_array(coalesce(json('[1]'),1))",
    "json_array(iif(1,json('[1]'),1))",
    "json_set('[1,2]','$[#]',3,'$[0]',9)",
    "json_set('[1,2]','$[#]',3,'$[#]',4,'$[1]',9)",
    "json_insert('[1,2]','$[#]',3,'$[0]',9)",
    "json_set('{}','$.a[0]',1,'$.a[0]',2)",
    "json_set('[1,2]','$[#]',3,'$[#-3]',9)",
    "json_set('[1,2]','$[#]',json('[5]'),'$[0][0]',9)",
    "json_set('{}','$.a[0][0]',1,'$.a[0][0]',2)",
    "json_set('{}','$.a[0][0]',1,'$.a[0][1]',2,'$.a[0][0]',3)",
    "json_array(ifnull(json('[1]'),1))",
    "json_array(ifnull(NULL,json('[1]')))",
    "json_array(coalesce(NULL,json('[1]'),2))",
    "json_array(iif(0,1,json('[1]')))",
    'a, json_group_array(a) over (order by a) from t',
    'a, json_group_array(a) over (order by a rows between 1 preceding and current row) from t',
    'a, json_group_object(b, a) over (order by a rows between 1 preceding and 1 following) from t',
    "json_group_array(x'00') from t",
    "json_group_object(a, x'00') from t",
    "json_group_array(json_object('k', a)) from t",
    'json_group_array(b) filter (where a > 1) from t',
    "a, b -> '$[0]' from t",
    'a, b ->> 0 from t',
    "json_extract(b, '$') from t",
    'json_valid(b) from t',
    'json_group_array(json(b)) from t where a=2',
    "json_object('x', json_group_array(a)) from t",
    'json_array_length(json_group_array(a)) from t',
]

# SQLite carries the JSON subtype through nullif() and scalar subqueries too;
# pyrite only through +, COLLATE, CASE, coalesce/ifnull/iif and direct calls.
# The JSON subtype passes through nullif(), likely(), CAST AS TEXT and a scalar
# subquery whose row no sorter touched, as SQLite copies the value's register.
SUBTYPE_PASSES = [
    "json_array((select json('[1]')))", "json_array(nullif(json('[1]'),2))",
    "json_array(nullif(json('[1]'),'[1]'))", "json_object('k', nullif(json('[1]'), 0))",
    "json_array(likely(json('[1]')), unlikely(json('{}')), likelihood(json('[2]'), 0.5))",
    "json_array(cast(json('[1]') as text), cast(json_extract('{\"a\":5}', '$.a') as text))",
    "json_array(cast(json('[1]') as blob))",
    "json_array((select json('[1]') limit 1), (select json_array(2) where 0))",
    "json_array((select json(b) from t where a = 2), (select json(b) from t order by a desc))",
    "json_array((select json_group_array(a) from t), (select coalesce(null, json('[3]'))))",
    "json_array((select (select json('[2]'))), (select nullif(json('[1]'), 0)))",
    "json_array(x) from (select json_group_array(a) as x from t)",
    "json_array((select json(b) from t as u where u.a = t.a)) from t",
    "json_array(max(json('[1]')), min(json_array(a)), max(json_extract('[\"a\"]', '$[0]'))) from t",
    "json_array(max(json_object('k', b))) from t where b is null",
]
KNOWN_DIFFERENCES = [
    "json_array((values (json('[1]'))))",
    "json_array(max(json_extract('[[1]]', '$[0]')))",  # min/max of a sometimes-JSON value
    "json_array((select distinct json('[1]')))",
    "json_array((select json('[1]') union all select 2))",
]


@pytest.mark.parametrize("case", SUBTYPE_PASSES)
def test_subtype_passes(case: str) -> None:
    _same("SELECT " + case)


ROWS = [(1, "x"), (2, "[1]"), (3, None)]


def _connect(mod: Any) -> Any:
    con = mod.connect(":memory:")
    con.execute("CREATE TABLE t(a, b)")
    con.executemany("INSERT INTO t VALUES (?, ?)", ROWS)
    return con


ORACLE = _connect(sqlite3)
OURS = _connect(pyrite)


def _run(con: Any, sql: str) -> Any:
    try:
        rows = con.execute(sql).fetchall()
    except (sqlite3.Error, pyrite.Error) as e:
        assert not isinstance(e, (sqlite3.InterfaceError, pyrite.InterfaceError)), e
        return ("error", str(e))
    return [tuple((v, type(v).__name__) for v in row) for row in rows]


def _same(sql: str) -> None:
    assert _run(OURS, sql) == _run(ORACLE, sql), sql


@pytest.mark.parametrize("case", CASES)
def test_case(case: str) -> None:
    _same("SELECT " + case)


@pytest.mark.parametrize("case", KNOWN_DIFFERENCES)
@pytest.mark.xfail(strict=True, reason="JSON subtype not carried through a VALUES, DISTINCT "
                   "or compound scalar subquery")
def test_known_difference(case: str) -> None:
    _same("SELECT " + case)


def test_subtype_stays_inside_the_expression() -> None:
    """A stored or selected json() value is plain TEXT again, as in SQLite."""
    for con in (OURS, ORACLE):
        con.execute("CREATE TEMP TABLE IF NOT EXISTS j(x)")
        con.execute("DELETE FROM j")
        con.execute("INSERT INTO j VALUES (json('[1]')), (json_array(json('[2]')))")
    for sql in (
        "SELECT x, typeof(x), json_array(x) FROM j",
        "SELECT json_array(x) FROM (SELECT json('[1]') AS x)",
        "WITH c(x) AS (SELECT json('[1]')) SELECT json_array(x), x = '[1]' FROM c",
        "SELECT json('[1]') = '[1]', json('[1]') || 'x', length(json_array(json('[1]')))",
        "SELECT max(json('[1]'), '[0]'), upper(json_object('a', 1))",
        "SELECT DISTINCT json('[1]') FROM t",
        "SELECT json_group_array(DISTINCT json(b)) FROM t WHERE a < 3",
    ):
        _same(sql)


def _deep(n: int, open_: str = "[", close: str = "]", inner: str = "") -> str:
    return open_ * n + inner + close * n


@pytest.mark.parametrize("n", [1999, 2000, 2001, 10_000])
def test_deep_nesting(n: int) -> None:
    """SQLite's JSON_MAX_DEPTH is 2000; deeper input is malformed, never a crash."""
    for doc in (_deep(n), _deep(n, inner="1"), _deep(n, '{"a":', "}", "1"),
                _deep(n, "[", ""), '{"a":' * n + "1"):
        for sql in ("SELECT json_valid(?)", "SELECT json(?)", "SELECT json_type(?)",
                    "SELECT json_array_length(?)", "SELECT json_extract(?, '$')",
                    "SELECT json_patch(?, ?1)", "SELECT json_set(?, '$[0]', 1)",
                    "SELECT json_remove(?, '$[0][0][0]')", "SELECT ? -> '$[0][0]'",
                    "SELECT json_array(json(?))"):
            assert _params(OURS, sql, doc) == _params(ORACLE, sql, doc), (sql, n)


def test_deep_path() -> None:
    doc = _deep(1990, inner="5")
    for k in (1, 1000, 1990, 1991, 5000):
        path = "$" + "[0]" * k
        for sql in ("SELECT json_extract(?, ?)", "SELECT json_set(?, ?, 7)",
                    "SELECT json_remove(?, ?)", "SELECT json_type(?, ?)"):
            assert _params(OURS, sql, doc, path) == _params(ORACLE, sql, doc, path), (sql, k)


def _params(con: Any, sql: str, *args: Any) -> Any:
    try:
        rows = con.execute(sql, args).fetchall()
    except (sqlite3.Error, pyrite.Error) as e:
        return ("error", str(e))
    return [tuple((v, type(v).__name__) for v in row) for row in rows]


HOSTILE = [
    "1" * 400, "-" + "9" * 400, "1e99999", "-1e-99999", "0." + "0" * 400 + "1",
    "[" + ",".join(["1.5e308"] * 50) + "]", '"' + "\\ud800" * 3 + '"', '"\\udc80\\udfff"',
    '"\\ud800\\udc00\\ud800"', '"\\u0000\\u0001"', '"\\uD834\\uDD1E"', '"a\\u00e9\\u20AC"',
    '"\x7f\u0080\uffff"', '{"\\u0061":1,"a":2}', "[" * 3000, "]" * 10, "", " \t\r\n1 \n",
    "\x0c1", "[1,]", "[01]", "[-0]", "[-0.0e-0]", "[1E400, -1E400]", "{\"a\":1}\x00junk",
]


@pytest.mark.parametrize("doc", HOSTILE)
def test_hostile_text(doc: str) -> None:
    for sql in ("SELECT json_valid(?)", "SELECT json(?)", "SELECT json_type(?)",
                "SELECT hex(json_extract(?, '$'))", "SELECT typeof(json_extract(?, '$'))",
                "SELECT json_extract(?, '$')", "SELECT json_quote(json_extract(?, '$'))",
                "SELECT json_array(?)", "SELECT hex(? ->> '$[0]')",
                "SELECT json_extract(?, '$[0]', '$.a')"):
        got, want = _params(OURS, sql, doc), _params(ORACLE, sql, doc)
        if want and want[0] == "error" and "decode" in str(want[1]):
            continue  # CPython cannot hand back SQLite's invalid UTF-8 as str
        assert got == want, (sql, doc)


@pytest.mark.parametrize("blob", [b"[1]", b"\xff", b'"\xff"', b'["\xc3\xa9"]', b"", b"[1]\x00x"])
def test_blob_and_invalid_utf8(blob: bytes) -> None:
    for sql in ("SELECT json_valid(?)", "SELECT hex(json(?))", "SELECT hex(json_quote(CAST(? AS TEXT)))",
                "SELECT json_array(?)", "SELECT hex(json_extract(?, '$'))",
                "SELECT hex(json_array(CAST(? AS TEXT)))", "SELECT json_object('k', ?)"):
        assert _params(OURS, sql, blob) == _params(ORACLE, sql, blob), (sql, blob)


DOC = ('{"a":[1,2,{"b":null,"c":"x"}],"d":{"e":{"f":[true,false]},"":0},'
       '"g h":1.5e3,"a":"dup","i.j":-7}')
PATH_PARTS = [".a", ".d", ".e", ".f", '."g h"', ".g h", '."i.j"', ".i", ".j", "[0]", "[1]", "[2]",
              "[#]", "[#-1]", "[#-2]", "[9]", ".b", ".c", '.""', ".", "[", "]", "x", "[#-x]",
              "[-1]", ".a[", '."a', "[00]", "[4294967296]"]


def test_paths_fuzz() -> None:
    rng = random.Random(7)
    for _ in range(1500):
        path = "$" + "".join(rng.choice(PATH_PARTS) for _ in range(rng.randrange(0, 4)))
        if rng.random() < 0.05:
            path = path[1:]
        p2 = "$" + "".join(rng.choice(PATH_PARTS) for _ in range(rng.randrange(0, 3)))
        for sql in ("SELECT json_extract(?1, ?2)", "SELECT json_type(?1, ?2)",
                    "SELECT json_set(?1, ?2, 'v', ?3, json('[9]'))",
                    "SELECT json_insert(?1, ?2, 1, ?3, 2)", "SELECT json_replace(?1, ?2, NULL)",
                    "SELECT json_remove(?1, ?2, ?3)", "SELECT json_array_length(?1, ?2)",
                    "SELECT ?1 -> ?2, ?1 ->> ?3", "SELECT json_extract(?1, ?2, ?3)"):
            got = _params(OURS, sql, DOC, path, p2)
            want = _params(ORACLE, sql, DOC, path, p2)
            assert got == want, (sql, path, p2)


def _random_json(rng: random.Random, depth: int = 0) -> str:
    k = rng.randrange(9 if depth < 4 else 5)
    if k == 0:
        return rng.choice(["null", "true", "false"])
    if k == 1:
        return rng.choice(["0", "-1", "12", "1.5", "-0.25e3", "1E+2", "9223372036854775808"])
    if k in (2, 3):
        return '"' + rng.choice(["", "a", "b", "\\n", "\\u00e9", "x y", "\\\"q"]) + '"'
    if k == 4:
        return rng.choice(['""', "[]", "{}"])
    if k in (5, 6):
        return "[" + ",".join(_random_json(rng, depth + 1) for _ in range(rng.randrange(4))) + "]"
    keys = ['"a"', '"b"', '"c"', '""']
    return "{" + ",".join(rng.choice(keys) + ":" + _random_json(rng, depth + 1)
                          for _ in range(rng.randrange(4))) + "}"


def _mangle(rng: random.Random, s: str) -> str:
    if not s or rng.random() < 0.6:
        return s
    i = rng.randrange(len(s))
    op = rng.randrange(3)
    if op == 0:
        return s[:i] + s[i + 1:]
    if op == 1:
        return s[:i] + rng.choice(' ,:[]{}"\\-.e0') + s[i:]
    return s[:i] + " " + s[i:]


def test_documents_fuzz() -> None:
    rng = random.Random(11)
    for _ in range(800):
        a = _mangle(rng, _random_json(rng))
        b = _mangle(rng, _random_json(rng))
        for sql in ("SELECT json_valid(?1), json_type(?1)", "SELECT json(?1)",
                    "SELECT json_patch(?1, ?2)", "SELECT json_extract(?1, '$', '$.a', '$[0]')",
                    "SELECT json_set(?1, '$.a', json(?2), '$.a.b', ?2)",
                    "SELECT json_array(json(?1), ?2), json_object('k', json(?2))",
                    "SELECT json_array_length(?1), ?1 -> 'a', ?1 ->> 0"):
            assert _params(OURS, sql, a, b) == _params(ORACLE, sql, a, b), (sql, a, b)


def test_reals_render_as_sqlite() -> None:
    rng = random.Random(3)
    vals = [0.1, 1 / 3, 1e15, 1e16, 1e-5, 123456789.123, 2.5e-310, 1.7976931348623157e308,
            -0.0, 100.0, 4.35, 0.3 - 0.1]
    vals += [rng.uniform(-1e6, 1e6) for _ in range(100)]
    vals += [rng.random() * 10 ** rng.randrange(-300, 300) for _ in range(100)]
    for v in vals:
        for sql in ("SELECT json_array(?)", "SELECT json_quote(?)", "SELECT json_object('r', ?)",
                    "SELECT json_extract(json_array(?), '$[0]')"):
            assert _params(OURS, sql, v) == _params(ORACLE, sql, v), (sql, v)
