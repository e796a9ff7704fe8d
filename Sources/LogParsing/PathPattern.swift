import CRE2

/// Why a configuration regex cannot be used.
public struct PathPatternError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// A configuration path regex (searched unanchored, case-sensitively; PCRE-like syntax, checked
/// by Swift's `Regex`), with the literal text an anchored pattern must start with, so most
/// paths are turned away by a prefix test before the regex engine runs.
///
/// The matching itself runs on RE2, whose automata take time linear in the path whatever the
/// pattern: a nested quantifier such as `^/(a+)+$` cannot stall a nightly run on a crafted URL,
/// as a backtracking engine (Swift's `Regex` among them) would. The price: look-arounds and
/// back-references, which need backtracking, are refused with a message.
public struct PathPattern: Sendable {
    public let source: String
    private let regex: CompiledRegex
    /// For `^/checkout/…`, [`/checkout/`]; for `^/(p|product)/…`, [`/p/`, `/product/`]: a path
    /// that starts with none of them cannot match.
    public let requiredPrefixes: [String]?

    /// - Parameter syntaxChecked: the configuration already checked `source` with Swift's
    ///   `Regex` (which costs far more than RE2's compile): the stages skip that check.
    /// - Throws: `PathPatternError` saying why `source` does not compile.
    public init(_ source: String, syntaxChecked: Bool = false) throws(PathPatternError) {
        self.source = source
        if !syntaxChecked {
            do {
                _ = try Regex(source)
            } catch {
                throw PathPatternError(description: "is not a valid regex: \(error)")
            }
        }
        regex = try CompiledRegex(source)
        requiredPrefixes = Self.alternativePrefixes(of: source) ?? Self.literalPrefix(of: source).map { [$0] }
    }

    public func matches(_ path: String) -> Bool {
        if let requiredPrefixes, !requiredPrefixes.contains(where: { path.hasPrefix($0) }) { return false }
        var path = path
        return path.withUTF8 { regex.search($0) }
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

/// An RE2 regex, freed with its last reference; RE2 matches from several threads at once.
final class CompiledRegex: @unchecked Sendable {
    private let handle: OpaquePointer

    init(_ pattern: String) throws(PathPatternError) {
        var error = [CChar](repeating: 0, count: 256)
        let bytes = Array(pattern.utf8)
        let compiled = bytes.withUnsafeBufferPointer { pattern in
            pattern.withMemoryRebound(to: CChar.self) { uxchurn_regex_compile($0.baseAddress, $0.count, &error, error.count) }
        }
        guard let compiled else {
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw PathPatternError(description: "cannot be matched in linear time (\(reason)); "
                + "look-arounds (?=…) (?!…) (?<=…), back-references \\1 and possessive or atomic groups are not supported")
        }
        handle = compiled
    }

    deinit {
        uxchurn_regex_free(handle)
    }

    func search(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        text.withMemoryRebound(to: CChar.self) { uxchurn_regex_search(handle, $0.baseAddress, $0.count) } == 1
    }
}
