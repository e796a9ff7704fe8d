/// A configuration path regex (SPEC.md §4.2: searched unanchored, case-sensitively, in Swift's
/// `Regex` syntax), with the literal text an anchored pattern must start with, so most paths
/// are turned away by a prefix test before the regex engine runs.
public struct PathPattern {
    public let source: String
    public let regex: Regex<AnyRegexOutput>
    /// For `^/checkout/…`, `/checkout/`: a path that does not start with it cannot match.
    public let requiredPrefix: String?

    /// - Throws: the regex error when `source` does not compile.
    public init(_ source: String) throws {
        self.source = source
        regex = try Regex(source)
        requiredPrefix = Self.literalPrefix(of: source)
    }

    public func matches(_ path: String) -> Bool {
        if let requiredPrefix, !path.hasPrefix(requiredPrefix) { return false }
        return path.contains(regex)
    }

    /// The literal characters after a leading `^`, up to the first metacharacter (less one
    /// character when a quantifier follows it); nil without `^` or with a top-level `|`.
    static func literalPrefix(of pattern: String) -> String? {
        guard pattern.hasPrefix("^") else { return nil }
        var depth = 0
        var escaped = false
        for character in pattern {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "(", "[": depth += 1
            case ")", "]": depth -= 1
            case "|" where depth == 0: return nil
            default: break
            }
        }
        var prefix = ""
        let metacharacters: Set<Character> = ["\\", "^", "$", ".", "|", "?", "*", "+", "(", ")", "[", "]", "{", "}"]
        var rest = pattern.dropFirst()
        while let character = rest.first, !metacharacters.contains(character) {
            prefix.append(character)
            rest = rest.dropFirst()
        }
        if let next = rest.first, next == "?" || next == "*" || next == "{", !prefix.isEmpty { prefix.removeLast() }
        return prefix.isEmpty ? nil : prefix
    }
}
