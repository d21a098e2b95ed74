// TEMPORARY: replaced by the `syntax` branch's parser on merge.
struct SyntaxOptions: Sendable { var celMode: Bool }
enum ParserStubTemp {
    static func parseExpression(_ file: SourceFile, options: SyntaxOptions) -> (expr: Expr?, diagnostics: [Diagnostic], nextID: Int) {
        (nil, [], 0)
    }
}
