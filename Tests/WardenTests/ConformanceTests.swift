import Testing

@testable import Warden
@testable import WardenTools

/// One case of the CEL conformance suite (`Tests/Conformance/cel/cases.jsonl`): bindings and the
/// expectation in typed-value JSON.
struct ConformanceCase: Sendable, CustomTestStringConvertible {
    var name: String
    var expr: String
    var bindings: String
    var expect: String

    init(_ name: String, _ expr: String, _ bindings: String, _ expect: String) {
        self.name = name
        self.expr = expr
        self.bindings = bindings
        self.expect = expect
    }

    var testDescription: String { name }
}

/// Representative cases from every runnable conformance file, evaluated through the library
/// (not the binary) so CEL's semantics are pinned in the project. Data under Apache-2.0 (cel-spec).
@Suite struct ConformanceTests {
    static let cases: [ConformanceCase] = [
        ConformanceCase("basic/self_eval_zeroish/self_eval_int_zero", "0", "{}", "{\"int\": \"0\"}"),
        ConformanceCase("basic/self_eval_zeroish/self_eval_uint_zero", "0u", "{}", "{\"uint\": \"0\"}"),
        ConformanceCase("basic/self_eval_zeroish/self_eval_uint_alias_zero", "0U", "{}", "{\"uint\": \"0\"}"),
        ConformanceCase("basic/self_eval_zeroish/self_eval_float_zerowithexp", "0e+0", "{}", "{\"double\": 0.0}"),
        ConformanceCase("basic/self_eval_zeroish/self_eval_string_empty", "''", "{}", "{\"string\": \"\"}"),
        ConformanceCase("basic/self_eval_zeroish/self_eval_string_raw_prefix", "r\"\"", "{}", "{\"string\": \"\"}"),
        ConformanceCase("basic/self_eval_zeroish/self_eval_bytes_empty", "b\"\"", "{}", "{\"bytes\": \"\"}"),
        ConformanceCase("basic/self_eval_zeroish/self_eval_null", "null", "{}", "{\"null\": true}"),
        ConformanceCase("basic/self_eval_zeroish/self_eval_empty_list", "[]", "{}", "{\"list\": []}"),
        ConformanceCase("basic/self_eval_zeroish/self_eval_empty_map", "{}", "{}", "{\"map\": []}"),
        ConformanceCase(
            "basic/self_eval_zeroish/self_eval_string_raw_prefix_triple_single", "r''''''", "{}", "{\"string\": \"\"}"),
        ConformanceCase("basic/self_eval_nonzeroish/self_eval_int_nonzero", "42", "{}", "{\"int\": \"42\"}"),
        ConformanceCase(
            "basic/self_eval_nonzeroish/self_eval_uint_alias_nonzero", "123456789U", "{}", "{\"uint\": \"123456789\"}"),
        ConformanceCase(
            "basic/self_eval_nonzeroish/self_eval_int_negative_min", "-9223372036854775808", "{}",
            "{\"int\": \"-9223372036854775808\"}"),
        ConformanceCase("basic/self_eval_nonzeroish/self_eval_string_excl", "\"!\"", "{}", "{\"string\": \"!\"}"),
        ConformanceCase("basic/self_eval_nonzeroish/self_eval_string_escape", "'\\''", "{}", "{\"string\": \"'\"}"),
        ConformanceCase(
            "basic/self_eval_nonzeroish/self_eval_bytes_escape", "b'\u{ff}'", "{}", "{\"bytes\": \"w78=\"}"),
        ConformanceCase(
            "basic/self_eval_nonzeroish/self_eval_list_singleitem", "[-1]", "{}", "{\"list\": [{\"int\": \"-1\"}]}"),
        ConformanceCase(
            "basic/self_eval_nonzeroish/self_eval_map_singleitem", "{\"k\":\"v\"}", "{}",
            "{\"map\": [[{\"string\": \"k\"}, {\"string\": \"v\"}]]}"),
        ConformanceCase(
            "basic/self_eval_nonzeroish/self_eval_int_hex", "0x55555555", "{}", "{\"int\": \"1431655765\"}"),
        ConformanceCase(
            "basic/self_eval_nonzeroish/self_eval_int_hex_negative", "-0x55555555", "{}", "{\"int\": \"-1431655765\"}"),
        ConformanceCase(
            "basic/self_eval_nonzeroish/self_eval_uint_alias_hex", "0x55555555U", "{}", "{\"uint\": \"1431655765\"}"),
        ConformanceCase(
            "basic/self_eval_nonzeroish/self_eval_unicode_escape_four", "\"\\u270c\"", "{}",
            "{\"string\": \"\u{270c}\"}"),
        ConformanceCase(
            "basic/self_eval_nonzeroish/self_eval_unicode_escape_eight", "\"\\U0001f431\"", "{}",
            "{\"string\": \"\u{1f431}\"}"),
        ConformanceCase(
            "basic/variables/self_eval_bound_lookup", "x", "{\"x\": {\"int\": \"123\"}}", "{\"int\": \"123\"}"),
        ConformanceCase(
            "basic/variables/self_eval_unbound_lookup", "x", "{}",
            "{\"error\": \"undeclared reference to 'x' (in container '')\"}"),
        ConformanceCase("basic/functions/binop", "1 + 1", "{}", "{\"int\": \"2\"}"),
        ConformanceCase("basic/functions/unbound", "f_unknown(17)", "{}", "{\"error\": \"unbound function\"}"),
        ConformanceCase("basic/reserved_const/false", "false", "{\"false\": {\"bool\": true}}", "{\"bool\": false}"),
        ConformanceCase("basic/reserved_const/true", "true", "{\"true\": {\"bool\": false}}", "{\"bool\": true}"),
        ConformanceCase("comparisons/eq_literal/eq_int", "1 == 1", "{}", "{\"bool\": true}"),
        ConformanceCase("comparisons/eq_literal/not_eq_uint_double", "dyn(2u) == 1.0", "{}", "{\"bool\": false}"),
        ConformanceCase("comparisons/eq_literal/not_eq_string", "'a' == 'b'", "{}", "{\"bool\": false}"),
        ConformanceCase("comparisons/eq_literal/eq_list_empty", "[] == []", "{}", "{\"bool\": true}"),
        ConformanceCase("comparisons/eq_literal/eq_map_null", "{'k': null} == {'k': null}", "{}", "{\"bool\": true}"),
        ConformanceCase("comparisons/eq_literal/eq_list_elem_mixed_types", "[1] == [1.0]", "{}", "{\"bool\": true}"),
        ConformanceCase("comparisons/eq_literal/eq_dyn_int_uint", "dyn(1) == 1u", "{}", "{\"bool\": true}"),
        ConformanceCase("comparisons/eq_literal/not_eq_dyn_double_uint", "dyn(1.0) == 2u", "{}", "{\"bool\": false}"),
        ConformanceCase("comparisons/ne_literal/ne_double", "9.0e+3 != 9001.0", "{}", "{\"bool\": true}"),
        ConformanceCase("comparisons/ne_literal/not_ne_string", "'abc' != 'abc'", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "comparisons/ne_literal/not_ne_list_bool", "[false, true] != [false, true]", "{}", "{\"bool\": false}"),
        ConformanceCase("comparisons/lt_literal/lt_double", "1.0 < 1.0000001", "{}", "{\"bool\": true}"),
        ConformanceCase("comparisons/lt_literal/lt_bytes", "b'a' < b'b'", "{}", "{\"bool\": true}"),
        ConformanceCase("comparisons/lt_literal/lt_dyn_int_double", "dyn(1) < 2.0", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "comparisons/lt_literal/lt_dyn_int_big_uint", "dyn(1) < 9223372036854775808u", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "comparisons/lt_literal/not_lt_dyn_big_double_int", "dyn(9223372036854775808.0) < 9223372036854775807",
            "{}", "{\"bool\": false}"),
        ConformanceCase("comparisons/gt_literal/gt_bytes_one", "b'\u{1}' > b'\u{0}'", "{}", "{\"bool\": true}"),
        ConformanceCase("comparisons/gt_literal/gt_dyn_int_double", "dyn(2) > 1.0", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "comparisons/gt_literal/not_gt_dyn_int_big_uint", "dyn(1) > 9223372036854775808u", "{}", "{\"bool\": false}"
        ),
        ConformanceCase(
            "comparisons/gt_literal/not_gt_dyn_small_double_int", "dyn(-9223372036854775809.0) > -9223372036854775808",
            "{}", "{\"bool\": false}"),
        ConformanceCase("comparisons/lte_literal/lte_string_from_empty", "'' <= 'a'", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "comparisons/lte_literal/lte_null_unsupported", "null <= null", "{}", "{\"error\": \"no such overload\"}"),
        ConformanceCase("comparisons/lte_literal/not_lte_dyn_int_double", "dyn(2) <= 1.0", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "comparisons/lte_literal/not_lte_dyn_big_uint_int", "dyn(9223372036854775808u) <= 1", "{}",
            "{\"bool\": false}"),
        ConformanceCase("comparisons/gte_literal/not_gte_uint_lt", "1u >= 10u", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "comparisons/gte_literal/not_get_string_unicode", "'t' >= '\u{3c4}'", "{}", "{\"bool\": false}"),
        ConformanceCase("comparisons/gte_literal/gte_dyn_int_uint", "dyn(2) >= 1u", "{}", "{\"bool\": true}"),
        ConformanceCase("comparisons/gte_literal/not_gte_dyn_double_uint", "dyn(0.0) >= 1u", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "comparisons/gte_literal/gte_dyn_big_double_uint", "dyn(18446744073709553665.0) >= 18446744073709551615u",
            "{}", "{\"bool\": true}"),
        ConformanceCase(
            "comparisons/in_map_literal/key_in_mixed_key_type_map", "'key' in {3:3.0, 'key':2u}", "{}",
            "{\"bool\": true}"),
        ConformanceCase("conversions/bytes/string_empty", "bytes('')", "{}", "{\"bytes\": \"\"}"),
        ConformanceCase(
            "conversions/bytes/string_unicode_vs_literal", "bytes('\\377') == b'\\377'", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "conversions/double/int_min_exact", "double(-9007199254740992)", "{}", "{\"double\": -9007199254740992.0}"),
        ConformanceCase("conversions/double/uint_zero", "double(0u)", "{}", "{\"double\": 0.0}"),
        ConformanceCase("conversions/double/string_zero", "double('0')", "{}", "{\"double\": 0.0}"),
        ConformanceCase("conversions/double/string_no_dec", "double('123')", "{}", "{\"double\": 123.0}"),
        ConformanceCase("conversions/double/string_exp_pos_neg", "double('1.38e-23')", "{}", "{\"double\": 1.38e-23}"),
        ConformanceCase(
            "conversions/dyn/dyn_heterogeneous_list", "type(dyn([1, 'one']))", "{}", "{\"type\": \"list\"}"),
        ConformanceCase(
            "conversions/int/uint_range", "int(18446744073709551615u)", "{}", "{\"error\": \"range error\"}"),
        ConformanceCase("conversions/int/double_truncate_neg", "int(-7.9)", "{}", "{\"int\": \"-7\"}"),
        ConformanceCase(
            "conversions/int/double_big_precision", "int(double(36028797018963969))", "{}",
            "{\"int\": \"36028797018963968\"}"),
        ConformanceCase("conversions/int/double_range", "int(1e99)", "{}", "{\"error\": \"range\"}"),
        ConformanceCase("conversions/string/uint", "string(9876u)", "{}", "{\"string\": \"9876\"}"),
        ConformanceCase("conversions/string/bytes", "string(b'abc')", "{}", "{\"string\": \"abc\"}"),
        ConformanceCase("conversions/type/bool_denotation", "bool", "{}", "{\"type\": \"bool\"}"),
        ConformanceCase("conversions/type/int_denotation", "int", "{}", "{\"type\": \"int\"}"),
        ConformanceCase("conversions/type/double", "type(3.14)", "{}", "{\"type\": \"double\"}"),
        ConformanceCase("conversions/type/string", "type('foo')", "{}", "{\"type\": \"string\"}"),
        ConformanceCase("conversions/type/bytes_denotation", "bytes", "{}", "{\"type\": \"bytes\"}"),
        ConformanceCase("conversions/type/map", "type({4: 16})", "{}", "{\"type\": \"map\"}"),
        ConformanceCase("conversions/type/eq_diff", "type(7) == type(7u)", "{}", "{\"bool\": false}"),
        ConformanceCase("conversions/type/type", "type(int)", "{}", "{\"type\": \"type\"}"),
        ConformanceCase("conversions/uint/int", "uint(1729)", "{}", "{\"uint\": \"1729\"}"),
        ConformanceCase("conversions/uint/double_truncate", "uint(1.9)", "{}", "{\"uint\": \"1\"}"),
        ConformanceCase(
            "conversions/uint/double_big_precision", "uint(double(36028797018963969u))", "{}",
            "{\"uint\": \"36028797018963968\"}"),
        ConformanceCase("conversions/bool/string_1", "bool('1')", "{}", "{\"bool\": true}"),
        ConformanceCase("conversions/bool/string_true_uppercase", "bool('TRUE')", "{}", "{\"bool\": true}"),
        ConformanceCase("conversions/bool/string_false_lowercase", "bool('false')", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "conversions/bool/string_true_badcase", "bool('TrUe')", "{}", "{\"error\": \"Type conversion error\"}"),
        ConformanceCase("conversions/identity/uint", "uint(1u)", "{}", "{\"uint\": \"1\"}"),
        ConformanceCase("fields/map_fields/map_key_int64", "{0:1,2:2,5:true}[5]", "{}", "{\"bool\": true}"),
        ConformanceCase("fields/map_fields/map_key_string", "{'name':100u}['name']", "{}", "{\"uint\": \"100\"}"),
        ConformanceCase("fields/map_fields/map_key_mixed_type", "{true:1,2:2,5u:3}[true]", "{}", "{\"int\": \"1\"}"),
        ConformanceCase(
            "fields/map_fields/map_key_mixed_numbers_lossy_double_key", "{1u: 1.0, 2: 2.0, 3u: 3.0}[3.1]", "{}",
            "{\"error\": \"no such key\"}"),
        ConformanceCase(
            "fields/map_fields/map_key_mixed_numbers_int_key", "{1u: 1.0, 2: 2.0, 3u: 3.0}[1]", "{}",
            "{\"double\": 1.0}"),
        ConformanceCase("fields/map_fields/map_no_such_key", "{0:1,2:2,5:3}[1]", "{}", "{\"error\": \"no such key\"}"),
        ConformanceCase(
            "fields/map_fields/map_no_such_key_or_true", "dyn({0:1,2:2,5:3}[1]) || true", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "fields/map_fields/map_no_such_key_and_true", "dyn({0:1,2:2,5:3}[1]) && true", "{}",
            "{\"error\": \"no such key\"}"),
        ConformanceCase(
            "fields/map_fields/map_bad_key_type_or_false", "dyn({0:1,2:2,5:3}[dyn(b'')]) || false", "{}",
            "{\"error\": \"no such key\"}"),
        ConformanceCase(
            "fields/map_fields/map_bad_key_type_and_false", "dyn({0:1,2:2,5:3}[dyn(b'')]) && false", "{}",
            "{\"bool\": false}"),
        ConformanceCase(
            "fields/map_fields/map_field_select_no_such_key", "x.name",
            "{\"x\": {\"map\": [[{\"string\": \"holiday\"}, {\"string\": \"field\"}]]}}",
            "{\"error\": \"no such key: 'name'\"}"),
        ConformanceCase(
            "fields/map_fields/map_field_select_no_such_key_or_true", "dyn(x.name) || true",
            "{\"x\": {\"map\": [[{\"string\": \"holiday\"}, {\"string\": \"field\"}]]}}", "{\"bool\": true}"),
        ConformanceCase(
            "fields/map_fields/map_field_select_no_such_key_and_true", "dyn(x.name) && true",
            "{\"x\": {\"map\": [[{\"string\": \"holiday\"}, {\"string\": \"field\"}]]}}",
            "{\"error\": \"no such key: 'name'\"}"),
        ConformanceCase("fields/map_fields/map_value_bool", "{27:false}[27]", "{}", "{\"bool\": false}"),
        ConformanceCase("fields/map_fields/map_value_float", "{3:15.15}[3]", "{}", "{\"double\": 15.15}"),
        ConformanceCase("fields/map_fields/map_value_int64", "{true:1,false:2}[true]", "{}", "{\"int\": \"1\"}"),
        ConformanceCase("fields/map_fields/map_value_list", "{0u:[1]}[0u]", "{}", "{\"list\": [{\"int\": \"1\"}]}"),
        ConformanceCase(
            "fields/map_fields/map_value_mix_type", "{'map': {'k': 'v'}, 'list': [1]}['map']", "{}",
            "{\"map\": [[{\"string\": \"k\"}, {\"string\": \"v\"}]]}"),
        ConformanceCase("fields/map_has/has_not", "has({'a': 1, 'b': 2}.c)", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "fields/quoted_map_fields/field_access_slash", "{'/api/v1': true, '/api/v2': false}.`/api/v1`", "{}",
            "{\"bool\": true}"),
        ConformanceCase(
            "fields/quoted_map_fields/field_access_dot", "{'foo.txt': 32, 'bar.csv': 1024}.`foo.txt`", "{}",
            "{\"int\": \"32\"}"),
        ConformanceCase(
            "fields/quoted_map_fields/has_field_dash",
            "has({'content-type': 'application/json', 'content-length': 145}.`content-type`)", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "fields/qualified_identifier_resolution/qualified_ident", "a.b.c", "{\"a.b.c\": {\"string\": \"yeah\"}}",
            "{\"string\": \"yeah\"}"),
        ConformanceCase(
            "fields/qualified_identifier_resolution/qualified_identifier_resolution_unchecked", "a.b.c",
            "{\"a.b.c\": {\"string\": \"yeah\"}, \"a.b\": {\"map\": [[{\"string\": \"c\"}, {\"string\": \"oops\"}]]}}",
            "{\"string\": \"yeah\"}"),
        ConformanceCase(
            "fields/qualified_identifier_resolution/int64_field_select_unsupported", "a.pancakes",
            "{\"a\": {\"int\": \"15\"}}", "{\"error\": \"type 'int64_type' does not support field selection\"}"),
        ConformanceCase(
            "fields/qualified_identifier_resolution/map_key_float", "{3.3:15.15, 1.0: 5}[1.0]", "{}",
            "{\"error\": \"unsupported key type\"}"),
        ConformanceCase(
            "fields/qualified_identifier_resolution/map_value_repeat_key", "{true:1,false:2,true:3}[true]", "{}",
            "{\"error\": \"Failed with repeated key\"}"),
        ConformanceCase("fields/in/empty", "7 in {}", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "fields/in/present", "'George' in {'John': 'smart', 'Paul': 'cute', 'George': 'quiet', 'Ringo': 'funny'}",
            "{}", "{\"bool\": true}"),
        ConformanceCase(
            "fields/in/mixed_numbers_and_keys_present",
            "3.0 in {1: 1, 2: 2, 3u: 3} && 2u in {1u: 1, 2: 2} && 1 in {1u: 1, 2: 2}", "{}", "{\"bool\": true}"),
        ConformanceCase("fp_math/fp_math/add_positive_positive", "4.25 + 15.25", "{}", "{\"double\": 19.5}"),
        ConformanceCase("fp_math/fp_math/add_positive_negative", "17.75 + (-7.75)", "{}", "{\"double\": 10.0}"),
        ConformanceCase("fp_math/fp_math/add_negative_negative", "-4.125 + (-2.125)", "{}", "{\"double\": -6.25}"),
        ConformanceCase("fp_math/fp_math/sub_positive_positive", "42.0 - 12.0", "{}", "{\"double\": 30.0}"),
        ConformanceCase("fp_math/fp_math/sub_positive_negative", "42.875 - (-22.0)", "{}", "{\"double\": 64.875}"),
        ConformanceCase("fp_math/fp_math/sub_negative_negative", "-4.875 - (-0.125)", "{}", "{\"double\": -4.75}"),
        ConformanceCase("fp_math/fp_math/multiply_positive_positive", "42.5 * 0.2", "{}", "{\"double\": 8.5}"),
        ConformanceCase(
            "fp_math/fp_math/multiply_positive_negative", "40.75 * (-2.25)", "{}", "{\"double\": -91.6875}"),
        ConformanceCase("fp_math/fp_math/multiply_negative_negative", "-3.0 * (-2.5)", "{}", "{\"double\": 7.5}"),
        ConformanceCase("fp_math/fp_math/divide_positive_positive", "0.0625 / 0.002", "{}", "{\"double\": 31.25}"),
        ConformanceCase("fp_math/fp_math/divide_positive_negative", "-2.0 / 2.0", "{}", "{\"double\": -1.0}"),
        ConformanceCase("fp_math/fp_math/divide_negative_negative", "-8.875 / (-0.0625)", "{}", "{\"double\": 142.0}"),
        ConformanceCase(
            "fp_math/fp_math/mod_not_support", "47.5 % 5.5", "{}",
            "{\"error\": \"found no matching overload for '_%_' applied to '(double, double)'\"}"),
        ConformanceCase("fp_math/fp_math/negative", "-(4.5)", "{}", "{\"double\": -4.5}"),
        ConformanceCase("fp_math/fp_math/double_negative", "-(-1.25)", "{}", "{\"double\": 1.25}"),
        ConformanceCase("fp_math/fp_math/negative_zero", "-(0.0)", "{}", "{\"double\": -0.0}"),
        ConformanceCase("fp_math/fp_math/divide_zero", "15.75 / 0.0", "{}", "{\"double\": \"Infinity\"}"),
        ConformanceCase("fp_math/fp_math/multiply_zero", "15.36 * 0.0", "{}", "{\"double\": 0.0}"),
        ConformanceCase("fp_math/fp_math/add_left_identity", "0.0 + 1.75", "{}", "{\"double\": 1.75}"),
        ConformanceCase("fp_math/fp_math/add_right_identity", " 2.5 + 0.0", "{}", "{\"double\": 2.5}"),
        ConformanceCase("fp_math/fp_math/add_commutative", "7.5 + 1.5 == 1.5 + 7.5", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "fp_math/fp_math/add_associative", "5.625 + (15.75 + 2.0) == (5.625 + 15.75) + 2.0", "{}",
            "{\"bool\": true}"),
        ConformanceCase("fp_math/fp_math/mul_left_identity", "1.0 * 45.25", "{}", "{\"double\": 45.25}"),
        ConformanceCase("fp_math/fp_math/mul_right_identity", "-25.25 * 1.0", "{}", "{\"double\": -25.25}"),
        ConformanceCase("fp_math/fp_math/mul_commutative", "1.5 * 25.875 == 25.875 * 1.5", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "fp_math/fp_math/mul_associative", "1.5 * (23.625 * 0.75) == (1.5 * 23.625) * 0.75", "{}",
            "{\"bool\": true}"),
        ConformanceCase(
            "fp_math/fp_math/add_mul_distribute", "5.75 * (1.5 + 2.5)  == 5.75 * 1.5 + 5.75 * 2.5", "{}",
            "{\"bool\": true}"),
        ConformanceCase(
            "fp_math/fp_math/fp_overflow_positive", "2.0 * 8.988466e+307 ", "{}", "{\"double\": \"Infinity\"}"),
        ConformanceCase(
            "fp_math/fp_math/fp_overflow_negative", "2.0 * -8.988466e+307 ", "{}", "{\"double\": \"-Infinity\"}"),
        ConformanceCase("fp_math/fp_math/fp_underflow", "1e-324  / 2.0", "{}", "{\"double\": 0.0}"),
        ConformanceCase("integer_math/int64_math/add_positive_positive", "40 + 2", "{}", "{\"int\": \"42\"}"),
        ConformanceCase("integer_math/int64_math/add_negative_negative", "-4 + (-2)", "{}", "{\"int\": \"-6\"}"),
        ConformanceCase("integer_math/int64_math/sub_positive_negative", "42 - (-22)", "{}", "{\"int\": \"64\"}"),
        ConformanceCase("integer_math/int64_math/multiply_positive_positive", "42 * 2", "{}", "{\"int\": \"84\"}"),
        ConformanceCase("integer_math/int64_math/multiply_negative_negative", "-30 * (-2)", "{}", "{\"int\": \"60\"}"),
        ConformanceCase("integer_math/int64_math/divide_positive_negative", "-20 / 2", "{}", "{\"int\": \"-10\"}"),
        ConformanceCase("integer_math/int64_math/mod_positive_positive", "47 % 5", "{}", "{\"int\": \"2\"}"),
        ConformanceCase("integer_math/int64_math/mod_negative_negative", "-42 % (-5)", "{}", "{\"int\": \"-2\"}"),
        ConformanceCase("integer_math/int64_math/unary_minus_neg", "-(-42)", "{}", "{\"int\": \"42\"}"),
        ConformanceCase(
            "integer_math/int64_math/unary_minus_not_bool", "-false", "{}", "{\"error\": \"no_such_overload\"}"),
        ConformanceCase("integer_math/int64_math/negative_zero", "-(0)", "{}", "{\"int\": \"0\"}"),
        ConformanceCase("integer_math/int64_math/divide_zero", "15 / 0", "{}", "{\"error\": \"divide by zero\"}"),
        ConformanceCase("integer_math/int64_math/add_left_identity", "0 + 17", "{}", "{\"int\": \"17\"}"),
        ConformanceCase("integer_math/int64_math/add_commutative", "75 + 15 == 15 + 75", "{}", "{\"bool\": true}"),
        ConformanceCase("integer_math/int64_math/mul_left_identity", "1 * 45", "{}", "{\"int\": \"45\"}"),
        ConformanceCase("integer_math/int64_math/mul_commutative", "15 * 25 == 25 * 15", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "integer_math/int64_math/int64_overflow_positive", "9223372036854775807 + 1", "{}",
            "{\"error\": \"return error for overflow\"}"),
        ConformanceCase(
            "integer_math/int64_math/int64_overflow_add_negative", "-9223372036854775808 + (-1)", "{}",
            "{\"error\": \"return error for overflow\"}"),
        ConformanceCase(
            "integer_math/int64_math/int64_min_negate", "-(-9223372036854775808)", "{}",
            "{\"error\": \"return error for overflow\"}"),
        ConformanceCase(
            "integer_math/int64_math/int64_min_negate_div", "(-9223372036854775808)/-1", "{}",
            "{\"error\": \"return error for overflow\"}"),
        ConformanceCase(
            "integer_math/int64_math/int64_overflow_mul_negative", "(-5000000000) * 5000000000", "{}",
            "{\"error\": \"return error for overflow\"}"),
        ConformanceCase(
            "integer_math/int64_math/uint64_overflow_negative", "0u - 1u", "{}",
            "{\"error\": \"return error for overflow\"}"),
        ConformanceCase("integer_math/uint64_math/add", "42u + 2u", "{}", "{\"uint\": \"44\"}"),
        ConformanceCase("integer_math/uint64_math/divide", "60u / 2u", "{}", "{\"uint\": \"30\"}"),
        ConformanceCase(
            "integer_math/uint64_math/negative_no_overload", "-(5u)", "{}", "{\"error\": \"no such overload\"}"),
        ConformanceCase("integer_math/uint64_math/divide_zero", "15u / 0u", "{}", "{\"error\": \"divide by zero\"}"),
        ConformanceCase("integer_math/uint64_math/add_left_identity", "0u + 17u", "{}", "{\"uint\": \"17\"}"),
        ConformanceCase("integer_math/uint64_math/add_commutative", "75u + 15u == 15u + 75u", "{}", "{\"bool\": true}"),
        ConformanceCase("integer_math/uint64_math/mul_left_identity", "1u * 45u", "{}", "{\"uint\": \"45\"}"),
        ConformanceCase("integer_math/uint64_math/mul_commutative", "15u * 25u == 25u * 15u", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "lists/concatenation/list_append", "[0, 1, 2] + [3, 4, 5] == [0, 1, 2, 3, 4, 5]", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "lists/concatenation/list_not_commutative", "[0, 1, 2] + [3, 4, 5] == [3, 4, 5, 0, 1, 2]", "{}",
            "{\"bool\": false}"),
        ConformanceCase(
            "lists/concatenation/list_repeat", "[2] + [2]", "{}", "{\"list\": [{\"int\": \"2\"}, {\"int\": \"2\"}]}"),
        ConformanceCase("lists/concatenation/empty_empty", "[] + []", "{}", "{\"list\": []}"),
        ConformanceCase(
            "lists/concatenation/right_unit", "[1, 2] + []", "{}", "{\"list\": [{\"int\": \"1\"}, {\"int\": \"2\"}]}"),
        ConformanceCase("lists/index/zero_based", "[7, 8, 9][0]", "{}", "{\"int\": \"7\"}"),
        ConformanceCase("lists/index/zero_based_double", "[7, 8, 9][dyn(0.0)]", "{}", "{\"int\": \"7\"}"),
        ConformanceCase("lists/index/zero_based_uint", "[7, 8, 9][dyn(0u)]", "{}", "{\"int\": \"7\"}"),
        ConformanceCase("lists/index/singleton", "['foo'][0]", "{}", "{\"string\": \"foo\"}"),
        ConformanceCase("lists/index/middle", "[0, 1, 1, 2, 3, 5, 8, 13][4]", "{}", "{\"int\": \"3\"}"),
        ConformanceCase("lists/index/index_out_of_bounds", "[1, 2, 3][3]", "{}", "{\"error\": \"invalid_argument\"}"),
        ConformanceCase(
            "lists/index/index_out_of_bounds_or_false", "dyn([1, 2, 3][3]) || false", "{}",
            "{\"error\": \"invalid_argument\"}"),
        ConformanceCase(
            "lists/index/index_out_of_bounds_or_true", "dyn([1, 2, 3][3]) || true", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "lists/index/index_out_of_bounds_and_false", "dyn([1, 2, 3][3]) && false", "{}", "{\"bool\": false}"),
        ConformanceCase("lists/index/bad_index_type", "[1, 2, 3][dyn('')]", "{}", "{\"error\": \"invalid_argument\"}"),
        ConformanceCase(
            "lists/index/bad_index_type_or_false", "dyn([1, 2, 3][dyn('')]) || false", "{}",
            "{\"error\": \"invalid_argument\"}"),
        ConformanceCase(
            "lists/index/bad_index_type_or_true", "dyn([1, 2, 3][dyn('')]) || true", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "lists/index/bad_index_type_and_true", "dyn([1, 2, 3][dyn('')]) && true", "{}",
            "{\"error\": \"invalid_argument\"}"),
        ConformanceCase("lists/in/empty", "7 in []", "{}", "{\"bool\": false}"),
        ConformanceCase("lists/in/singleton", "4u in [4u]", "{}", "{\"bool\": true}"),
        ConformanceCase("lists/in/middle", "3 in [5, 4, 3, 2, 1]", "{}", "{\"bool\": true}"),
        ConformanceCase("lists/in/last", "20u in [4u, 6u, 8u, 12u, 20u]", "{}", "{\"bool\": true}"),
        ConformanceCase("lists/in/double_in_ints", "dyn(3.0) in [5, 4, 3, 2, 1]", "{}", "{\"bool\": true}"),
        ConformanceCase("lists/in/uint_in_ints", "dyn(3u) in [5, 4, 3, 2, 1]", "{}", "{\"bool\": true}"),
        ConformanceCase("lists/in/uint_in_doubles", "dyn(3u) in [5.0, 4.0, 3.0, 2.0, 1.0]", "{}", "{\"bool\": true}"),
        ConformanceCase("lists/in/int_in_uints", "dyn(3) in [5u, 4u, 3u, 2u, 1u]", "{}", "{\"bool\": true}"),
        ConformanceCase("lists/in/double_in_uints", "dyn(3.0) in [5u, 4u, 3u, 2u, 1u]", "{}", "{\"bool\": true}"),
        ConformanceCase("lists/size/list_empty", "size([])", "{}", "{\"int\": \"0\"}"),
        ConformanceCase("lists/size/list", "size([1, 2, 3])", "{}", "{\"int\": \"3\"}"),
        ConformanceCase("lists/size/map_empty", "size({})", "{}", "{\"int\": \"0\"}"),
        ConformanceCase("logic/conditional/true_case", "true ? 1 : 2", "{}", "{\"int\": \"1\"}"),
        ConformanceCase("logic/conditional/false_case", "false ? 'foo' : 'bar'", "{}", "{\"string\": \"bar\"}"),
        ConformanceCase(
            "logic/conditional/error_case", "2 / 0 > 4 ? 'baz' : 'quux'", "{}", "{\"error\": \"division by zero\"}"),
        ConformanceCase("logic/conditional/mixed_type", "true ? 'cows' : 17", "{}", "{\"string\": \"cows\"}"),
        ConformanceCase(
            "logic/conditional/bad_type", "'cows' ? false : 17", "{}", "{\"error\": \"no matching overload\"}"),
        ConformanceCase("logic/AND/all_true", "true && true", "{}", "{\"bool\": true}"),
        ConformanceCase("logic/AND/all_false", "false && false", "{}", "{\"bool\": false}"),
        ConformanceCase("logic/AND/false_left", "false && true", "{}", "{\"bool\": false}"),
        ConformanceCase("logic/AND/false_right", "true && false", "{}", "{\"bool\": false}"),
        ConformanceCase("logic/AND/short_circuit_type_left", "false && 32", "{}", "{\"bool\": false}"),
        ConformanceCase("logic/AND/short_circuit_type_right", "'horses' && false", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "logic/AND/short_circuit_error_left", "false && (2 / 0 > 3 ? false : true)", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "logic/AND/short_circuit_error_right", "(2 / 0 > 3 ? false : true) && false", "{}", "{\"bool\": false}"),
        ConformanceCase("logic/AND/error_right", "true && 1/0 != 0", "{}", "{\"error\": \"no matching overload\"}"),
        ConformanceCase("logic/AND/error_left", "1/0 != 0 && true", "{}", "{\"error\": \"no matching overload\"}"),
        ConformanceCase(
            "logic/AND/no_overload", "'less filling' && 'tastes great'", "{}", "{\"error\": \"no matching overload\"}"),
        ConformanceCase("logic/OR/all_true", "true || true", "{}", "{\"bool\": true}"),
        ConformanceCase("logic/OR/all_false", "false || false", "{}", "{\"bool\": false}"),
        ConformanceCase("logic/OR/false_left", "false || true", "{}", "{\"bool\": true}"),
        ConformanceCase("logic/OR/false_right", "true || false", "{}", "{\"bool\": true}"),
        ConformanceCase("logic/OR/short_circuit_type_left", "true || 32", "{}", "{\"bool\": true}"),
        ConformanceCase("logic/OR/short_circuit_type_right", "'horses' || true", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "logic/OR/short_circuit_error_left", "true || (2 / 0 > 3 ? false : true)", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "logic/OR/short_circuit_error_right", "(2 / 0 > 3 ? false : true) || true", "{}", "{\"bool\": true}"),
        ConformanceCase("logic/OR/error_right", "false || 1/0 != 0", "{}", "{\"error\": \"no matching overload\"}"),
        ConformanceCase("logic/OR/error_left", "1/0 != 0 || false", "{}", "{\"error\": \"no matching overload\"}"),
        ConformanceCase(
            "logic/OR/no_overload", "'less filling' || 'tastes great'", "{}", "{\"error\": \"no matching overload\"}"),
        ConformanceCase("logic/NOT/not_true", "!true", "{}", "{\"bool\": false}"),
        ConformanceCase("logic/NOT/not_false", "!false", "{}", "{\"bool\": true}"),
        ConformanceCase("logic/NOT/no_overload", "!0", "{}", "{\"error\": \"no matching overload\"}"),
        ConformanceCase("macros/exists/list_elem_all_true", "[1, 2, 3].exists(e, e > 0)", "{}", "{\"bool\": true}"),
        ConformanceCase("macros/exists/list_elem_some_true", "[1, 2, 3].exists(e, e == 2)", "{}", "{\"bool\": true}"),
        ConformanceCase("macros/exists/list_elem_none_true", "[1, 2, 3].exists(e, e > 3)", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "macros/exists/list_elem_type_exhaustive", "[1, 'foo', 3].exists(e, e == '10')", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "macros/exists/list_elem_exists_error", "[1, 2, 3].exists(e, e / 0 == 17)", "{}",
            "{\"error\": \"divide by zero\"}"),
        ConformanceCase(
            "macros/exists/map_key", "{'key1':1, 'key2':2}.exists(k, k == 'key2')", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "macros/exists/not_map_key", "!{'key1':1, 'key2':2}.exists(k, k == 'key3')", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "macros/exists/map_key_type_exhaustive", "!{'key':1, 1:42}.exists(k, k == 2)", "{}", "{\"bool\": true}"),
        ConformanceCase("macros/all/list_elem_all_true", "[1, 2, 3].all(e, e > 0)", "{}", "{\"bool\": true}"),
        ConformanceCase("macros/all/list_elem_none_true", "[1, 2, 3].all(e, e == 17)", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "macros/all/list_elem_type_shortcircuit", "[1, 'foo', 3].all(e, e == 1)", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "macros/all/list_elem_error_shortcircuit", "[1, 2, 3].all(e, 6 / (2 - e) == 6)", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "macros/all/list_elem_error_exhaustive", "[1, 2, 3].all(e, e / 0 != 17)", "{}",
            "{\"error\": \"divide by zero\"}"),
        ConformanceCase("macros/all/map_key", "{'key1':1, 'key2':2}.all(k, k == 'key2')", "{}", "{\"bool\": false}"),
        ConformanceCase("macros/exists_one/list_empty", "[].exists_one(a, a == 7)", "{}", "{\"bool\": false}"),
        ConformanceCase("macros/exists_one/list_one_true", "[7].exists_one(a, a == 7)", "{}", "{\"bool\": true}"),
        ConformanceCase("macros/exists_one/list_none", "[1, 2, 3].exists_one(x, x > 20)", "{}", "{\"bool\": false}"),
        ConformanceCase(
            "macros/exists_one/list_one", "[6, 7, 8].exists_one(foo, foo % 5 == 2)", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "macros/exists_one/list_all", "['foal', 'foo', 'four'].exists_one(n, n.startsWith('fo'))", "{}",
            "{\"bool\": false}"),
        ConformanceCase(
            "macros/exists_one/list_no_shortcircuit", "[3, 2, 1, 0].exists_one(n, 12 / n > 1)", "{}",
            "{\"error\": \"divide by zero\"}"),
        ConformanceCase("macros/map/list_empty", "[].map(n, n / 2)", "{}", "{\"list\": []}"),
        ConformanceCase("macros/map/list_one", "[3].map(n, n * n)", "{}", "{\"list\": [{\"int\": \"9\"}]}"),
        ConformanceCase("macros/map/list_error", "[2, 1, 0].map(n, 4 / n)", "{}", "{\"error\": \"divide by zero\"}"),
        ConformanceCase(
            "macros/map/map_extract_keys", "{'John': 'smart'}.map(key, key) == ['John']", "{}", "{\"bool\": true}"),
        ConformanceCase("macros/filter/list_one_true", "[2].filter(n, n == 2)", "{}", "{\"list\": [{\"int\": \"2\"}]}"),
        ConformanceCase("macros/filter/list_one_false", "[1].filter(n, n > 3)", "{}", "{\"list\": []}"),
        ConformanceCase(
            "macros/filter/list_some", "[0, 1, 2, 3, 4].filter(x, x % 2 == 1)", "{}",
            "{\"list\": [{\"int\": \"1\"}, {\"int\": \"3\"}]}"),
        ConformanceCase(
            "macros/filter/list_all", "[1, 2, 3].filter(n, n > 0)", "{}",
            "{\"list\": [{\"int\": \"1\"}, {\"int\": \"2\"}, {\"int\": \"3\"}]}"),
        ConformanceCase(
            "macros/filter/map_filter_keys",
            "{'John': 'smart', 'Paul': 'cute', 'George': 'quiet', 'Ringo': 'funny'}.filter(key, key == 'Ringo') == ['Ringo']",
            "{}", "{\"bool\": true}"),
        ConformanceCase(
            "macros/nested/filter_all", "['signer'].filter(signer, ['artifact'].all(artifact, true))", "{}",
            "{\"list\": [{\"string\": \"signer\"}]}"),
        ConformanceCase(
            "namespace/qualified/self_eval_qualified_lookup", "x.y", "{\"x.y\": {\"bool\": true}}", "{\"bool\": true}"),
        ConformanceCase(
            "namespace/namespace_shadowing/comprehension_shadowing_selector", "[{'z': 0}].exists(y, y.z == 0)",
            "{\"y.z\": {\"int\": \"42\"}}", "{\"bool\": true}"),
        ConformanceCase(
            "namespace/namespace_shadowing/comprehension_shadowing_selector_parse_only",
            "[{'z': 0}].exists(y, y.z == 0)", "{\"y.z\": {\"int\": \"42\"}}", "{\"bool\": true}"),
        ConformanceCase(
            "parse/nest/list_index", "a[a[a[a[a[a[a[a[a[a[a[a[0]]]]]]]]]]]]", "{\"a\": {\"list\": [{\"int\": \"0\"}]}}",
            "{\"int\": \"0\"}"),
        ConformanceCase(
            "parse/repeat/or",
            "false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || false || true",
            "{}", "{\"bool\": true}"),
        ConformanceCase(
            "parse/repeat/index", "[[[[[[[[[[[['foo']]]]]]]]]]]][0][0][0][0][0][0][0][0][0][0][0][0]", "{}",
            "{\"string\": \"foo\"}"),
        ConformanceCase(
            "parse/string_literals/single_quoted_escaped_punctuation", "' \\\\ \\? \\\" \\' \\` '", "{}",
            "{\"string\": \" \\\\ ? \\\" ' ` \"}"),
        ConformanceCase(
            "parse/string_literals/single_quoted_escaped_special_control_characters", "' \\a \\b \\f \\t \\v '", "{}",
            "{\"string\": \" \\u0007 \\b \\f \\t \\u000b \"}"),
        ConformanceCase(
            "parse/string_literals/triple_double_quoted_unescaped_special_control_characters",
            "\"\"\" \u{7} \u{8} \u{c} \u{9} \u{b} \"\"\"", "{}", "{\"string\": \" \\u0007 \\b \\f \\t \\u000b \"}"),
        ConformanceCase(
            "parse/string_literals/triple_double_quoted_unescaped_line_feed", "\"\"\" \u{a} \"\"\"", "{}",
            "{\"string\": \" \\n \"}"),
        ConformanceCase(
            "parse/string_literals/triple_single_quoted_escaped_windows_line_end", "''' \\r\\n '''", "{}",
            "{\"string\": \" \\r\\n \"}"),
        ConformanceCase(
            "parse/string_literals/triple_single_quoted_escaped_all_control_characters",
            "''' \\x01 \\x02 \\x03 \\x04 \\x05 \\x06 \\x07 \\x08 \\x09 \\x0B \\x0C \\x0E \\x0F \\x10 \\x11 \\x12 \\x13 \\x14 \\x15 \\x16 \\x17 \\x18 \\x19 \\x1A \\x1B \\x1C \\x1D \\x1E \\x1f \\x7F '''",
            "{}",
            "{\"string\": \" \\u0001 \\u0002 \\u0003 \\u0004 \\u0005 \\u0006 \\u0007 \\b \\t \\u000b \\f \\u000e \\u000f \\u0010 \\u0011 \\u0012 \\u0013 \\u0014 \\u0015 \\u0016 \\u0017 \\u0018 \\u0019 \\u001a \\u001b \\u001c \\u001d \\u001e \\u001f \u{7f} \"}"
        ),
        ConformanceCase(
            "parse/string_literals/triple_single_quoted_octal_escapes", "''' \\000 \\012 \\177 '''", "{}",
            "{\"string\": \" \\u0000 \\n \u{7f} \"}"),
        ConformanceCase(
            "parse/string_literals/double_quoted_upper_x_escapes", "\" \\X00 \\X0A \\X7F \"", "{}",
            "{\"string\": \" \\u0000 \\n \u{7f} \"}"),
        ConformanceCase(
            "parse/string_literals/triple_double_quoted_lower_u_escapes",
            "\"\"\" \\u0000 \\u000A \\u007F \\u0100 \\uFFFB \"\"\"", "{}",
            "{\"string\": \" \\u0000 \\n \u{7f} \u{100} \u{fffb} \"}"),
        ConformanceCase(
            "parse/string_literals/mixed_case_hex_triple_single_quoted_escapes",
            "''' \\x4a \\x4B \\X4c \\X4D \\u01aB \\U000001aB '''", "{}", "{\"string\": \" J K L M \u{1ab} \u{1ab} \"}"),
        ConformanceCase(
            "parse/string_literals/unassigned_code_point_single_quoted_unescaped", "' \u{88888} '", "{}",
            "{\"string\": \" \u{88888} \"}"),
        ConformanceCase(
            "parse/string_literals/raw_triple_double_quoted_escapes",
            "r\"\"\" \\\\ \\? \\\" \\' \\` \\a \\b \\f \\t \\v \\n \\r \\000 \\x00 \\X00 \\u0000 \\U00000000 \"\"\"",
            "{}",
            "{\"string\": \" \\\\\\\\ \\\\? \\\\\\\" \\\\' \\\\` \\\\a \\\\b \\\\f \\\\t \\\\v \\\\n \\\\r \\\\000 \\\\x00 \\\\X00 \\\\u0000 \\\\U00000000 \"}"
        ),
        ConformanceCase("parse/bytes_literals/double_quoted", "b\"hello\"", "{}", "{\"bytes\": \"aGVsbG8=\"}"),
        ConformanceCase(
            "parse/bytes_literals/triple_double_quoted_escaped_punctuation", "b\"\"\" \\\\ \\? \\\" \\' \\` \"\"\"",
            "{}", "{\"bytes\": \"IFwgPyAiICcgYCA=\"}"),
        ConformanceCase(
            "parse/bytes_literals/triple_single_quoted_escaped_special_control_characters",
            "b''' \\a \\b \\f \\t \\v '''", "{}", "{\"bytes\": \"IAcgCCAMIAkgCyA=\"}"),
        ConformanceCase(
            "parse/bytes_literals/triple_single_quoted_escaped_line_feed", "b''' \\n '''", "{}", "{\"bytes\": \"IAog\"}"
        ),
        ConformanceCase(
            "parse/bytes_literals/triple_double_quoted_escaped_carriage_return", "b\"\"\" \\r \"\"\"", "{}",
            "{\"bytes\": \"IA0g\"}"),
        ConformanceCase(
            "parse/bytes_literals/double_quoted_escaped_all_control_characters",
            "b\" \\x01 \\x02 \\x03 \\x04 \\x05 \\x06 \\x07 \\x08 \\x09 \\x0B \\x0C \\x0E \\x0F \\x10 \\x11 \\x12 \\x13 \\x14 \\x15 \\x16 \\x17 \\x18 \\x19 \\x1A \\x1B \\x1C \\x1D \\x1E \\x1f \\x7F \"",
            "{}",
            "{\"bytes\": \"IAEgAiADIAQgBSAGIAcgCCAJIAsgDCAOIA8gECARIBIgEyAUIBUgFiAXIBggGSAaIBsgHCAdIB4gHyB/IA==\"}"),
        ConformanceCase(
            "parse/bytes_literals/single_quoted_octal_escapes", "b' \\000 \\012 \\177 \\377 '", "{}",
            "{\"bytes\": \"IAAgCiB/IP8g\"}"),
        ConformanceCase(
            "parse/bytes_literals/triple_single_quoted_lower_x_escapes", "b''' \\x00 \\x0A \\x7F \\xFF '''", "{}",
            "{\"bytes\": \"IAAgCiB/IP8g\"}"),
        ConformanceCase(
            "parse/bytes_literals/mixed_case_hex_single_quoted_escapes", "B' \\x4a \\x4B \\X4c \\X4D '", "{}",
            "{\"bytes\": \"IEogSyBMIE0g\"}"),
        ConformanceCase(
            "parse/bytes_literals/raw_triple_double_quoted_escapes",
            "br\"\"\" \\\\ \\? \\\" \\' \\` \\a \\b \\f \\t \\v \\n \\r \\000 \\x00 \\X00 \\u0000 \\U00000000 \"\"\"",
            "{}",
            "{\"bytes\": \"IFxcIFw/IFwiIFwnIFxgIFxhIFxiIFxmIFx0IFx2IFxuIFxyIFwwMDAgXHgwMCBcWDAwIFx1MDAwMCBcVTAwMDAwMDAwIA==\"}"
        ),
        ConformanceCase("parse/selectors/break", "{ 'break': 1 }.break", "{}", "{\"int\": \"1\"}"),
        ConformanceCase("parse/selectors/import", "{ 'import': 1 }.import", "{}", "{\"int\": \"1\"}"),
        ConformanceCase("parse/selectors/var", "{ 'var': 1 }.var", "{}", "{\"int\": \"1\"}"),
        ConformanceCase("parse/receiver_function_names/else", "a.else() || true", "{}", "{\"bool\": true}"),
        ConformanceCase("parse/receiver_function_names/loop", "a.loop() || true", "{}", "{\"bool\": true}"),
        ConformanceCase("plumbing/min/min_program", "17", "{}", "{\"int\": \"17\"}"),
        ConformanceCase("plumbing/eval_results/error_result", "1 / 0", "{}", "{\"error\": \"foo\"}"),
        ConformanceCase(
            "plumbing/eval_results/eval_map_results", "{\"k1\":\"v1\",\"k\":\"v\"}", "{}",
            "{\"map\": [[{\"string\": \"k\"}, {\"string\": \"v\"}], [{\"string\": \"k1\"}, {\"string\": \"v1\"}]]}"),
        ConformanceCase(
            "plumbing/check_inputs/skip_check", "[17, 'pancakes']", "{}",
            "{\"list\": [{\"int\": \"17\"}, {\"string\": \"pancakes\"}]}"),
        ConformanceCase(
            "plumbing/eval_inputs/one_ignored_value_arg", "'foo'", "{\"x\": {\"int\": \"17\"}}", "{\"string\": \"foo\"}"
        ),
        ConformanceCase("string/size/empty", "size('')", "{}", "{\"int\": \"0\"}"),
        ConformanceCase("string/size/one_ascii", "size('A')", "{}", "{\"int\": \"1\"}"),
        ConformanceCase("string/size/ascii", "size('four')", "{}", "{\"int\": \"4\"}"),
        ConformanceCase("string/size/bytes_empty", "size(b'')", "{}", "{\"int\": \"0\"}"),
        ConformanceCase("string/size/bytes", "size(b'abc')", "{}", "{\"int\": \"3\"}"),
        ConformanceCase("string/starts_with/basic_false", "'foobar'.startsWith('bar')", "{}", "{\"bool\": false}"),
        ConformanceCase("string/starts_with/empty_arg", "'foobar'.startsWith('')", "{}", "{\"bool\": true}"),
        ConformanceCase("string/starts_with/empty_empty", "''.startsWith('')", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "string/starts_with/unicode_smp", "'\u{1f431}\u{1f600}\u{1f61b}'.startsWith('\u{1f431}')", "{}",
            "{\"bool\": true}"),
        ConformanceCase("string/ends_with/basic_false", "'foobar'.endsWith('foo')", "{}", "{\"bool\": false}"),
        ConformanceCase("string/ends_with/empty_target", "''.endsWith('foo')", "{}", "{\"bool\": false}"),
        ConformanceCase("string/ends_with/empty_empty", "''.endsWith('')", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "string/ends_with/unicode_smp", "'\u{1f431}\u{1f600}\u{1f61b}'.endsWith('\u{1f61b}')", "{}",
            "{\"bool\": true}"),
        ConformanceCase("string/matches/empty_target", "''.matches('foo|bar')", "{}", "{\"bool\": false}"),
        ConformanceCase("string/matches/empty_arg", "'cows'.matches('')", "{}", "{\"bool\": true}"),
        ConformanceCase("string/matches/re_concat", "'abcd'.matches('bc')", "{}", "{\"bool\": true}"),
        ConformanceCase("string/matches/re_rep", "'banana'.matches('ba(na)*')", "{}", "{\"bool\": true}"),
        ConformanceCase("string/matches/unicode", "'ma\u{f1}ana'.matches('a+\u{f1}+a+')", "{}", "{\"bool\": true}"),
        ConformanceCase("string/concatenation/concat_true", "'he' + 'llo'", "{}", "{\"string\": \"hello\"}"),
        ConformanceCase(
            "string/concatenation/concat_empty_string_beginning", "'' + 'abc'", "{}", "{\"string\": \"abc\"}"),
        ConformanceCase("string/concatenation/concat_empty_string_end", "'abc' + ''", "{}", "{\"string\": \"abc\"}"),
        ConformanceCase(
            "string/concatenation/unicode_unicode", "'\u{a2}' + '\u{ff}' + '\u{200}'", "{}",
            "{\"string\": \"\u{a2}\u{ff}\u{200}\"}"),
        ConformanceCase(
            "string/concatenation/ascii_unicode_unicode_smp", "'a' + '\u{ff}' + '\u{1f431}'", "{}",
            "{\"string\": \"a\u{ff}\u{1f431}\"}"),
        ConformanceCase("string/contains/contains_true", "'hello'.contains('he')", "{}", "{\"bool\": true}"),
        ConformanceCase("string/contains/contains_empty", "'hello'.contains('')", "{}", "{\"bool\": true}"),
        ConformanceCase("string/contains/contains_multiple", "'abababc'.contains('ababc')", "{}", "{\"bool\": true}"),
        ConformanceCase(
            "string/contains/contains_unicode_smp", "'\u{1f431}\u{1f600}\u{1f601}'.contains('\u{1f600}')", "{}",
            "{\"bool\": true}"),
        ConformanceCase("string/contains/empty_contains", "''.contains('something')", "{}", "{\"bool\": false}"),
        ConformanceCase("string/bytes_concat/concat", "b'abc' + b'def'", "{}", "{\"bytes\": \"YWJjZGVm\"}"),
        ConformanceCase("string/bytes_concat/right_unit", "b'zxy' + b''", "{}", "{\"bytes\": \"enh5\"}"),
        ConformanceCase("type_deduction/constant_literals/bool", "true", "{}", "{\"bool\": true}"),
        ConformanceCase("type_deduction/constant_literals/int", "42", "{}", "{\"int\": \"42\"}"),
        ConformanceCase("type_deduction/constant_literals/uint", "42u", "{}", "{\"uint\": \"42\"}"),
        ConformanceCase("type_deduction/constant_literals/double", "0.1", "{}", "{\"double\": 0.1}"),
        ConformanceCase("type_deduction/constant_literals/string", "\"test\"", "{}", "{\"string\": \"test\"}"),
        ConformanceCase("type_deduction/constant_literals/bytes", "b\"test\"", "{}", "{\"bytes\": \"dGVzdA==\"}"),
        ConformanceCase("type_deduction/constant_literals/null", "null", "{}", "{\"null\": true}"),
        ConformanceCase("type_deduction/complex_initializers/list", "[1]", "{}", "{\"list\": [{\"int\": \"1\"}]}"),
        ConformanceCase(
            "type_deduction/complex_initializers/map", "{'abc': 123}", "{}",
            "{\"map\": [[{\"string\": \"abc\"}, {\"int\": \"123\"}]]}"),
        ConformanceCase("type_deduction/indexing/list", "['foo'][0]", "{}", "{\"string\": \"foo\"}"),
        ConformanceCase("type_deduction/indexing/map", "{'abc': 123}['abc']", "{}", "{\"int\": \"123\"}"),
        ConformanceCase(
            "type_deduction/functions/nested_calls", "('foo' + 'bar').startsWith('foo')", "{}", "{\"bool\": true}"),
    ]

    @Test(arguments: cases) func matchesCELSpec(_ c: ConformanceCase) throws {
        let bindingsJSON = try JSONParser.parse(Array(c.bindings.utf8)).get()
        let bindings = try TypedJSON.decodeBindings(bindingsJSON).get()
        let expectJSON = try JSONParser.parse(Array(c.expect.utf8)).get()
        let result = CELMode.evaluate(c.expr, bindings: bindings)
        if case .object(let members) = expectJSON, members.contains(where: { $0.key == "error" }) {
            if case .success(let v) = result { Issue.record("\(c.name): expected an error, got \(v)") }
            return
        }
        let want = try TypedJSON.decode(expectJSON).get()
        switch result {
        case .success(let got):
            #expect(CELCase.same(want, got), "\(c.name): `\(c.expr)` expected \(want), got \(got)")
        case .failure(let err):
            Issue.record("\(c.name): `\(c.expr)` expected \(want), got error `\(err.message)`")
        }
    }
}
