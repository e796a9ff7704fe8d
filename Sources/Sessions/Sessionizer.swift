import CScan

/// Cuts each visitor's ordered hits into sessions: a new session at a visitor's
/// first hit and at every hit more than `timeout` seconds after the previous one.
///
/// Only open sessions hold hits; a session is handed on as soon as no hit to come can continue
/// it. Open sessions are found by visitor id (ids are dense), so a hit costs no hashing.
public struct Sessionizer {
    public let timeout: Int64
    /// Visitor id → the hits of its open session (empty: none open).
    private var sessions: [[Hit]] = []
    /// Visitors that may have an open session, for the sweep.
    private var listed: [Int32] = []
    private var isListed: [Bool] = []
    /// The sweep's idle visitors, kept between sweeps so a sweep allocates nothing.
    private var idle: [Int32] = []
    public private(set) var openCount = 0
    private var lastSweep: Int64?

    public init(timeoutSeconds: Int64) {
        timeout = timeoutSeconds
    }

    /// Adds the next hits in order, as `add(_:finished:)` does each. Each hit's open session
    /// is read from two places far apart in memory (its entry in a list as long as there are
    /// visitors, then the session's own storage): both are cache misses, so their reads start
    /// ahead, the entry's 16 hits before its `add`, the session's 8 before.
    public mutating func add(_ hits: UnsafeBufferPointer<Hit>, finished: (Session) -> Void) {
        for index in hits.indices {
            if index + 16 < hits.count { prefetchEntry(ofVisitor: hits[index + 16].visitor) }
            if index + 8 < hits.count { prefetchSession(ofVisitor: hits[index + 8].visitor) }
            add(hits[index], finished: finished)
        }
    }

    /// Starts the read of the visitor's entry in the list of open sessions.
    @inline(__always)
    private func prefetchEntry(ofVisitor visitor: Int32) {
        let index = Int(visitor)
        guard index < sessions.count else { return }
        sessions.withUnsafeBufferPointer { uxchurn_prefetch($0.baseAddress! + index) }
    }

    /// Starts the read of the visitor's open session itself (its entry should be in the cache
    /// by now). The entry is read as the address of the session's storage without touching its
    /// reference count; the address is only a hint to the cache, and a prefetch never faults,
    /// whatever the bits.
    @inline(__always)
    private func prefetchSession(ofVisitor visitor: Int32) {
        let index = Int(visitor)
        guard index < sessions.count, MemoryLayout<[Hit]>.size == MemoryLayout<UInt>.size else { return }
        sessions.withUnsafeBufferPointer { entries in
            let address = UnsafeRawPointer(entries.baseAddress! + index).load(as: UInt.self)
            uxchurn_prefetch(UnsafeRawPointer(bitPattern: address))
        }
    }

    /// Adds the next hit in order; a session it ends goes to `finished`.
    public mutating func add(_ hit: Hit, finished: (Session) -> Void) {
        let visitor = Int(hit.visitor)
        if visitor >= sessions.count {
            sessions.append(contentsOf: repeatElement([], count: visitor + 1 - sessions.count))
            isListed.append(contentsOf: repeatElement(false, count: visitor + 1 - isListed.count))
        }
        if let last = sessions[visitor].last {
            if hit.time - last.time > timeout {
                finished(Session(visitor: hit.visitor, hits: sessions[visitor]))
                sessions[visitor] = Self.opening(hit)
            } else {
                sessions[visitor].append(hit)
            }
            return
        }
        sessions[visitor] = Self.opening(hit)
        openCount += 1
        if !isListed[visitor] {
            isListed[visitor] = true
            listed.append(hit.visitor)
        }
    }

    /// A new session's hits: room for a few, so a short session is not regrown hit by hit.
    @inline(__always)
    private static func opening(_ hit: Hit) -> [Hit] {
        var hits: [Hit] = []
        hits.reserveCapacity(4)
        hits.append(hit)
        return hits
    }

    /// Seconds of log time between sweeps for idle sessions: a session is handed on at most
    /// this long after it could be; each sweep visits every open session.
    static let sweepSeconds: Int64 = 300

    /// Hands on every session that no hit at or after `now` can continue.
    public mutating func closeIdle(before now: Int64, finished: (Session) -> Void) {
        guard now > .min + timeout else { return }
        if let lastSweep, now - lastSweep < Self.sweepSeconds { return }
        lastSweep = now
        // The visitors still open are kept in place, in their order.
        idle.removeAll(keepingCapacity: true)
        var kept = 0
        for read in listed.indices {
            let visitor = listed[read]
            let index = Int(visitor)
            guard let last = sessions[index].last else {
                isListed[index] = false
                continue
            }
            if last.time < now - timeout {
                idle.append(visitor)
            } else {
                listed[kept] = visitor
                kept += 1
            }
        }
        listed.removeLast(listed.count - kept)
        idle.sort()  // the figures do not depend on the order, but the run stays reproducible
        for visitor in idle {
            let index = Int(visitor)
            finished(Session(visitor: visitor, hits: sessions[index]))
            sessions[index] = []
            isListed[index] = false
            openCount -= 1
        }
    }

    /// Hands on every open session, at the end of the input.
    public mutating func finish(_ finished: (Session) -> Void) {
        for visitor in listed.sorted() where !sessions[Int(visitor)].isEmpty {
            finished(Session(visitor: visitor, hits: sessions[Int(visitor)]))
            sessions[Int(visitor)] = []
            isListed[Int(visitor)] = false
        }
        listed = []
        openCount = 0
    }
}
