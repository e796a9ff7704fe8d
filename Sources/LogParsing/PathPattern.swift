/// A configuration path regex (SPEC.md §4.2: searched unanchored, case-sensitively, in Swift's
/// `Regex` syntax), with the literal text an anchored pattern must start with, so most paths
/// are turned away by a prefix test before the regex engine runs.
public struct PathPattern {
    public let source: String
    public let regex: Regex<AnyRegexOutput>
    /// For `^/checkout/…`, [`/checkout/`]; for `^/(p|product)/…`, [`/p/`, `/product/`]: a path
    /// that starts with none of them cannot match.
    public let requiredPrefixes: [String]?

    /// - Throws: the regex error when `source` does not compile.
    public init(_ source: String) throws {
        self.source = source
        regex = try Regex(source)
        requiredPrefixes = Self.alternativePrefixes(of: source) ?? Self.literalPrefix(of: source).map { [$0] }
    }

    public func matches(_ path: String) -> Bool {
        if let requiredPrefixes, !requiredPrefixes.contains(where: { path.hasPrefix($0) }) { return false }
        return path.contains(regex)
    }

    static let metacharacters: Set<Character> = ["\\", "^", "$", ".", "|", "?", "*", "+", "(", ")", "[", "]", "{", "}"]
    static let quantifiers: Set<Character> = ["?", "*", "+", "{"]

    /// For `^/(c|category|categories)/…`: the literal text before a leading group whose
    /// alternatives are all literal, each alternative, and the literal text after it (less one
    /// character when a quantifier follows). Nil for any other shape (then `literalPrefix`
    /// alone applies).
    static func alternativePrefixes(of pattern: String) -> [String]? {
        guard pattern.hasPrefix("^"), !hasTopLevelAlternation(pattern) else { return nil }
        var rest = Substring(pattern.dropFirst())
        func literal() -> String {
            var text = ""
            while let character = rest.first, !metacharacters.contains(character) {
                text.append(character)
                rest = rest.dropFirst()
            }
            return text
        }
        let head = literal()
        guard rest.first == "(" else { return nil }
        rest = rest.dropFirst()
        var alternatives: [String] = [""]
        while let character = rest.first, character != ")" {
            if character == "|" {
                alternatives.append("")
            } else if metacharacters.contains(character) {
                return nil  // a nested group, a class, an escape, a flag: not a list of literals
            } else {
                alternatives[alternatives.count - 1].append(character)
            }
            rest = rest.dropFirst()
        }
        guard rest.first == ")", alternatives.count > 1, !alternatives.contains("") else { return nil }
        rest = rest.dropFirst()
        if let next = rest.first, quantifiers.contains(next) { return nil }  // the group may be absent
        var tail = literal()
        if let next = rest.first, quantifiers.contains(next), !tail.isEmpty { tail.removeLast() }
        return alternatives.map { head + $0 + tail }
    }

    /// The literal characters after a leading `^`, up to the first metacharacter (less one
    /// character when a quantifier follows it); nil without `^` or with a top-level `|`.
    static func literalPrefix(of pattern: String) -> String? {
        guard pattern.hasPrefix("^"), !hasTopLevelAlternation(pattern) else { return nil }
        var prefix = ""
        var rest = pattern.dropFirst()
        while let character = rest.first, !metacharacters.contains(character) {
            prefix.append(character)
            rest = rest.dropFirst()
        }
        if let next = rest.first, quantifiers.contains(next), next != "+", !prefix.isEmpty { prefix.removeLast() }
        return prefix.isEmpty ? nil : prefix
    }

    /// Whether `|` separates alternatives of the whole pattern (outside groups and classes).
    static func hasTopLevelAlternation(_ pattern: String) -> Bool {
        var depth = 0
        var escaped = false
        for character in pattern {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "(", "[": depth += 1
            case ")", "]": depth -= 1
            case "|" where depth == 0: return true
            default: break
            }
        }
        return false
    }
}
