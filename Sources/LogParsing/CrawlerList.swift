import CRE2

/// The crawler-user-agents list (`data/crawler-user-agents/`, generated into
/// `CrawlerPatterns.swift`), matched against a user agent in one pass whatever its size: the
/// patterns that are plain text (all but a few dozen) are found together by an Aho–Corasick
/// automaton, and the others together by one RE2 set. A pattern is searched unanchored and
/// case-sensitively, as the list writes it.
///
/// Built once per process, on first use, and shared by every parser thread.
public final class CrawlerList: @unchecked Sendable {
    /// The list as shipped.
    public static let shared = CrawlerList(entries)

    /// A short family name per pattern, in the list's order (`Googlebot\/` → `Googlebot`).
    public let names: [String]
    /// Patterns RE2 refused: they are left out (the tests expect none).
    public let refused: [String]
    private let literals: LiteralAutomaton
    private let regexes: OpaquePointer?
    /// The RE2 set's index → the list's.
    private let regexIndex: [Int]

    init(_ entries: [(pattern: String, literal: String?, name: String)]) {
        names = entries.map(\.name)
        var texts: [(bytes: [UInt8], id: Int32)] = []
        var set = uxchurn_regex_set_new()
        var regexIndex: [Int] = []
        var refused: [String] = []
        for (index, entry) in entries.enumerated() {
            if let literal = entry.literal, !literal.isEmpty {
                texts.append((Array(literal.utf8), Int32(index)))
                continue
            }
            let bytes = Array(entry.pattern.utf8)
            let added = set.map { set in
                bytes.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { uxchurn_regex_set_add(set, $0.baseAddress, $0.count) } }
            } ?? -1
            if added >= 0 { regexIndex.append(index) } else { refused.append(entry.pattern) }
        }
        if let compiled = set, regexIndex.isEmpty || uxchurn_regex_set_compile(compiled) != 1 {
            uxchurn_regex_set_free(compiled)
            if !regexIndex.isEmpty { refused += regexIndex.map { entries[$0].pattern } }
            regexIndex = []
            set = nil
        }
        literals = LiteralAutomaton(texts)
        regexes = set
        self.regexIndex = regexIndex
        self.refused = refused
    }

    deinit {
        if let regexes { uxchurn_regex_set_free(regexes) }
    }

    /// The lowest list index of the patterns found in `agent`, or nil when none is.
    public func firstMatch(_ agent: UnsafeRawBufferPointer) -> Int? {
        var best = literals.lowestMatch(agent).map(Int.init) ?? .max
        if let regexes, let base = agent.baseAddress {
            let found = Int(uxchurn_regex_set_first(regexes, base.assumingMemoryBound(to: CChar.self), agent.count))
            if found >= 0, regexIndex[found] < best { best = regexIndex[found] }
        }
        return best == .max ? nil : best
    }
}

/// Many byte strings found in one pass (Aho–Corasick): a trie of the strings whose missing
/// edges are resolved through failure links into a full transition table over the bytes the
/// strings use, so each byte of the text costs one table lookup.
struct LiteralAutomaton {
    /// Byte → its column (0: a byte no string holds).
    private var column = [Int32](repeating: 0, count: 256)
    private let columns: Int
    /// state × columns + column → next state.
    private var next: [Int32] = []
    /// Per state: the lowest id of the strings that end there, itself or through its suffixes
    /// (`Int32.max`: none).
    private var lowest: [Int32] = []

    init(_ strings: [(bytes: [UInt8], id: Int32)]) {
        var columns: Int32 = 1
        for string in strings {
            for byte in string.bytes where column[Int(byte)] == 0 {
                column[Int(byte)] = columns
                columns += 1
            }
        }
        self.columns = Int(columns)
        let width = Int(columns)
        next = [Int32](repeating: -1, count: width)
        lowest = [.max]
        for string in strings {
            var state = 0
            for byte in string.bytes {
                let slot = state * width + Int(column[Int(byte)])
                if next[slot] < 0 {
                    next[slot] = Int32(lowest.count)
                    next.append(contentsOf: repeatElement(-1, count: width))
                    lowest.append(.max)
                }
                state = Int(next[slot])
            }
            lowest[state] = min(lowest[state], string.id)
        }
        // Breadth first: a state's failure state is shallower, so already complete.
        var failure = [Int32](repeating: 0, count: lowest.count)
        var queue: [Int32] = []
        queue.reserveCapacity(lowest.count)
        for c in 0..<width {
            if next[c] < 0 {
                next[c] = 0
            } else {
                queue.append(next[c])
            }
        }
        var head = 0
        while head < queue.count {
            let state = Int(queue[head])
            head += 1
            let fail = Int(failure[state])
            lowest[state] = min(lowest[state], lowest[fail])
            for c in 0..<width {
                let slot = state * width + c
                let target = next[slot]
                if target < 0 {
                    next[slot] = next[fail * width + c]
                } else {
                    failure[Int(target)] = next[fail * width + c]
                    queue.append(target)
                }
            }
        }
    }

    /// The lowest id of the strings found in `text`, or nil.
    func lowestMatch(_ text: UnsafeRawBufferPointer) -> Int32? {
        guard !lowest.isEmpty else { return nil }
        var state = 0
        var best = Int32.max
        next.withUnsafeBufferPointer { next in
            lowest.withUnsafeBufferPointer { lowest in
                column.withUnsafeBufferPointer { column in
                    for byte in text {
                        state = Int(next[state * columns + Int(column[Int(byte)])])
                        best = min(best, lowest[state])
                    }
                }
            }
        }
        return best == .max ? nil : best
    }
}
