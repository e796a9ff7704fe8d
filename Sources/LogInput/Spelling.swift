/// "Did you mean": the known name nearest a mistyped one, for a subcommand, a configuration
/// key or a threshold metric.
public enum Spelling {
    /// The candidate nearest `word`, when it is near enough to be what was meant: one edit (a
    /// letter added, dropped, changed, or two neighbours swapped) for words under eight letters,
    /// two for longer ones; or `word` the start of exactly one candidate. Nil when no candidate,
    /// or more than one at the same distance, fits. Time: letters of `word` times letters of
    /// all candidates (`word` is at most 64 letters).
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let typed = Array(word.lowercased().unicodeScalars)
        guard !typed.isEmpty, typed.count <= 64 else { return nil }
        let limit = min(2, max(1, typed.count / 4))
        var best: (name: String, distance: Int)?
        var tied = false
        for candidate in Set(candidates) where candidate != word {
            let distance = editDistance(typed, Array(candidate.lowercased().unicodeScalars))
            guard distance <= limit else { continue }
            if let current = best, distance >= current.distance {
                if distance == current.distance { tied = true }
                continue
            }
            best = (candidate, distance)
            tied = false
        }
        if let best, !tied { return best.name }
        let prefixed = candidates.filter { typed.count >= 2 && $0.lowercased().hasPrefix(word.lowercased()) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    /// " (did you mean 'report'?)" for a message about `word`, or "" when nothing is near.
    public static func hint(for word: String, among candidates: [String]) -> String {
        closest(to: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    /// neighbours, each one edit.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        var before = [Int](repeating: 0, count: width)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: width)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, before[j - 2] + 1)
                }
                current[j] = value
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
