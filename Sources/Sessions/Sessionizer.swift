/// Cuts each visitor's ordered hits into sessions (SPEC.md §4.3): a new session at a visitor's
/// first hit and at every hit more than `timeout` seconds after the previous one.
///
/// Only open sessions are held; a session is handed on as soon as no hit to come can continue it.
public struct Sessionizer {
    public let timeout: Int64
    private var open: [Int32: [Hit]] = [:]
    private var lastSweep: Int64?
    public private(set) var peakOpenSessions = 0

    public init(timeoutSeconds: Int64) {
        timeout = timeoutSeconds
    }

    public var openCount: Int { open.count }

    /// Adds the next hit in order; a session it ends goes to `finished`.
    public mutating func add(_ hit: Hit, finished: (Session) -> Void) {
        if var hits = open.removeValue(forKey: hit.visitor) {
            // `last` exists: an open session has at least one hit.
            if hit.time - hits[hits.count - 1].time > timeout {
                finished(Session(visitor: hit.visitor, hits: hits))
                open[hit.visitor] = [hit]
            } else {
                hits.append(hit)
                open[hit.visitor] = hits
            }
        } else {
            open[hit.visitor] = [hit]
            peakOpenSessions = max(peakOpenSessions, open.count)
        }
    }

    /// Hands on every session that no hit at or after `now` can continue.
    public mutating func closeIdle(before now: Int64, finished: (Session) -> Void) {
        guard now > .min + timeout else { return }
        if let lastSweep, now - lastSweep < 60 { return }
        lastSweep = now
        var idle: [Int32] = []
        for (visitor, hits) in open where hits[hits.count - 1].time < now - timeout { idle.append(visitor) }
        idle.sort()  // the analysis does not depend on the order, but the run stays reproducible
        for visitor in idle {
            if let hits = open.removeValue(forKey: visitor) { finished(Session(visitor: visitor, hits: hits)) }
        }
    }

    /// Hands on every open session, at the end of the input.
    public mutating func finish(_ finished: (Session) -> Void) {
        for visitor in open.keys.sorted() {
            if let hits = open[visitor] { finished(Session(visitor: visitor, hits: hits)) }
        }
        open = [:]
    }
}
