"""Embedding Warden from Python through ctypes: python3 embed.py LIBWARDEN.so POLICY DEVICES.jsonl"""
import ctypes, sys

lib = ctypes.CDLL(sys.argv[1])
P = ctypes.c_void_p
lib.warden_compile.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.POINTER(P), ctypes.POINTER(P)]
lib.warden_eval_json.argtypes = [P, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(P), ctypes.POINTER(P)]
for name in ["warden_diagnostics_text", "warden_decision_id", "warden_action_name", "warden_decision_fired_rule"]:
    getattr(lib, name).restype = ctypes.c_char_p  # owned by the handle (or static): no free
lib.warden_action_name.argtypes = [ctypes.c_int]
lib.warden_decision_fired_rule.argtypes = [P, ctypes.c_size_t]
for name in ["warden_diagnostics_text", "warden_decision_id", "warden_decision_action",
             "warden_decision_fired_count", "warden_decision_free", "warden_program_free", "warden_diagnostics_free"]:
    getattr(lib, name).argtypes = [P]
lib.warden_decision_fired_count.restype = ctypes.c_size_t
lib.warden_string_free.argtypes = [P]

source = open(sys.argv[2], "rb").read()
program, diagnostics = P(), P()
if lib.warden_compile(source, len(source), sys.argv[2].encode(), ctypes.byref(program), ctypes.byref(diagnostics)) != 0:
    sys.exit("policy errors:\n" + lib.warden_diagnostics_text(diagnostics).decode())
lib.warden_diagnostics_free(diagnostics)
for line in open(sys.argv[3], "rb"):
    decision, error = P(), P()
    if lib.warden_eval_json(program, line, len(line), ctypes.byref(decision), ctypes.byref(error)) != 0:
        message = ctypes.string_at(error.value).decode() if error.value else "bad device"
        lib.warden_string_free(error)
        sys.exit("bad device: " + message)
    action = lib.warden_action_name(lib.warden_decision_action(decision)).decode()
    print(f"device {lib.warden_decision_id(decision).decode()}: {action}")
    for i in range(lib.warden_decision_fired_count(decision)):
        print(f'  fired "{lib.warden_decision_fired_rule(decision, i).decode()}"')
    lib.warden_decision_free(decision)
lib.warden_program_free(program)
