import Testing

@testable import Warden

/// `BuiltinID` has exactly one case per `BuiltinTable` entry, in the table's order, and each case
/// finds its entry.
@Suite struct BuiltinIDTests {
    @Test func everyTableEntryHasOneIDInTheTablesOrder() {
        #expect(BuiltinID.allCases.map(\.name) == BuiltinTable.names)
        for id in BuiltinID.allCases {
            #expect(id.entry?.name == id.name, "\(id)")
            #expect(BuiltinID(name: id.name) == id)
        }
    }

    @Test func aNameThatIsNoBuiltinHasNoID() {
        #expect(BuiltinID(name: "sizes") == nil)
        #expect(BuiltinID(name: "") == nil)
        #expect(BuiltinID(name: "Size") == nil)
    }
}
