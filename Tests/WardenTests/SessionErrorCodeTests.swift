import Testing

@testable import Warden
@testable import WardenTools

/// REPL evaluation errors carry their stable code as diagnostics do (`error[W0901]: ...`).
@Suite struct SessionErrorCodeTests {
    @Test func missingFactShowsW0901() {
        var s = Session()
        let r = s.handle("threatLevel > low")
        #expect(r.failed)
        #expect(r.errors.contains("error[W0901]: fact `threatLevel` is missing"), "\(r.errors)")
        #expect(!r.errors.contains("error: fact"))
    }

    @Test func divisionByZeroShowsW0905() {
        var s = Session()
        let r = s.handle("1 / 0")
        #expect(r.failed)
        #expect(r.errors.contains("error[W0905]: "), "\(r.errors)")
    }

    @Test func overflowShowsW0904() {
        var s = Session()
        let r = s.handle("9223372036854775807 + 1")
        #expect(r.failed)
        #expect(r.errors.contains("error[W0904]: "), "\(r.errors)")
    }
}
