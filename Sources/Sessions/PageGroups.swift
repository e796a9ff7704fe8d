import LogParsing

/// Page groups: the first configured rule whose regex matches a path, otherwise the normalised
/// path. Each distinct path is matched once.
///
/// Normalised paths become groups up to `automaticLimit` of them; the paths of any further
/// group count together as `PageGroups.folded` ("other pages"). A scanner requesting a million
/// unique URLs then costs a few bytes per path instead of a group each, while the configured
/// groups, and the real pages (which have come long before the limit), keep exact figures.
public struct PageGroups {
    /// The name of the group past `automaticLimit`.
    public static let folded = "other pages"
    public static let defaultAutomaticLimit = 100_000
    public struct Rule {
        public var name: String
        public var pattern: PathPattern
    }

    private let rules: [Rule]
    /// Group names: the configured ones first, in configuration order, then normalised paths.
    public private(set) var names: [String]
    private var byName: [String: Int32] = [:]
    /// Path id → group id (-1: not looked at yet).
    private var groupOfPath: [Int32] = []
    /// Groups of normalised paths made at most; past it, `folded`.
    public let automaticLimit: Int
    private var foldedGroup: Int32?

    /// - Throws: the error of the first regex that does not compile.
    public init(rules: [(name: String, pattern: String)], automaticLimit: Int = defaultAutomaticLimit) throws {
        self.rules = try rules.map { Rule(name: $0.name, pattern: try PathPattern($0.pattern, syntaxChecked: true)) }
        self.automaticLimit = automaticLimit
        names = rules.map(\.name)
        for (index, name) in names.enumerated() { byName[name] = Int32(index) }
    }

    /// The number of configured groups (ids `0..<configuredCount`).
    public var configuredCount: Int { rules.count }

    /// The group of the path with id `path`, whose text `text()` gives when it is new.
    @inline(__always)
    public mutating func group(ofPath path: Int32, text: () -> String) -> Int32 {
        let index = Int(path)
        if index < groupOfPath.count, groupOfPath[index] >= 0 { return groupOfPath[index] }
        if index >= groupOfPath.count {
            groupOfPath.append(contentsOf: repeatElement(-1, count: index + 1 - groupOfPath.count))
        }
        let group = classify(text())
        groupOfPath[index] = group
        return group
    }

    private mutating func classify(_ path: String) -> Int32 {
        for (index, rule) in rules.enumerated() where rule.pattern.matches(path) { return Int32(index) }
        let name = Self.normalise(path)
        if let id = byName[name] { return id }
        if names.count - rules.count >= automaticLimit {
            if let foldedGroup { return foldedGroup }
            foldedGroup = Int32(names.count)
            names.append(Self.folded)
            return Int32(names.count - 1)
        }
        let id = Int32(names.count)
        names.append(name)
        byName[name] = id
        return id
    }

    /// Each segment that is all digits, 8 or more hex digits, or an 8-4-4-4-12 UUID becomes `{id}`.
    public static func normalise(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.contains(where: isIdentifier) else { return path }  // most paths: no new string
        return segments.map { segment -> Substring in isIdentifier(segment) ? "{id}" : segment }.joined(separator: "/")
    }

    static func isIdentifier(_ segment: Substring) -> Bool {
        let bytes = Array(segment.utf8)
        guard !bytes.isEmpty else { return false }
        func isHex(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102) }
        if bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return true }
        if bytes.count >= 8, bytes.allSatisfy(isHex) { return true }
        if bytes.count == 36 {
            for (index, byte) in bytes.enumerated() {
                if [8, 13, 18, 23].contains(index) {
                    if byte != 45 { return false }  // "-"
                } else if !isHex(byte) {
                    return false
                }
            }
            return true
        }
        return false
    }
}
