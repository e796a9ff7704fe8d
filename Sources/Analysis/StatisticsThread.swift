import LogInput
import Sessions

/// Folds finished sessions into the statistics on a thread of its own, so that the hit stage
/// (ids, visitors, order, sessions) and the statistics (groups, days, funnels, visitors) run on
/// two cores. Sessions go over in batches, in the order they finished, so the figures are the
/// same as when folded on the hit stage's thread; the statistics come back whole at the end.
final class StatisticsThread {
    static let batchSize = 512
    private let inbox = BlockingQueue<[(Session, Device)]?>(capacity: 8)
    private let outbox = BlockingQueue<SessionStatistics>(capacity: 1)
    private var batch: [(Session, Device)] = []
    private var thread: RunThread?
    private var finished = false

    /// Nil when the system refuses a thread: then the caller folds on its own.
    init?(_ statistics: SessionStatistics) {
        let inbox = inbox, outbox = outbox
        thread = RunThread.start {
            var statistics = statistics
            while let batch = inbox.pop() {
                for (session, device) in batch { statistics.add(session, device: device) }
            }
            _ = outbox.push(statistics)
        }
        guard thread != nil else {
            // No thread to hand anything back: `deinit` must not wait for one.
            finished = true
            return nil
        }
        batch.reserveCapacity(Self.batchSize)
    }

    func add(_ session: Session, device: Device) {
        batch.append((session, device))
        if batch.count >= Self.batchSize {
            _ = inbox.push(batch)
            batch = []
            batch.reserveCapacity(Self.batchSize)
        }
    }

    /// Waits for every session to be folded and returns the statistics.
    func finish() -> SessionStatistics {
        if !batch.isEmpty { _ = inbox.push(batch) }
        batch = []
        _ = inbox.push(nil)
        finished = true
        let statistics = outbox.pop()
        thread?.join()
        return statistics
    }

    deinit {
        // A run that stopped early: the thread folds what it was given, then ends.
        if !finished { _ = finish() }
    }
}
