#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a pthread mutex, for the threads of a run.
///
/// Not the standard library's `Synchronization.Mutex`: on Linux that one locks with futexes
/// that ThreadSanitizer cannot see, so every access made under it looks like a race and a real
/// one would drown among them. A pthread mutex costs the same here (its uncontended path is one
/// atomic instruction; the locks are taken per chunk, never per line).
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init(_ value: sending Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, the lock held.
    public func withLock<Result, Failure: Error>(_ body: (inout sending Value) throws(Failure) -> sending Result) throws(Failure) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

/// A bounded first-in, first-out queue between one producer thread and one consumer.
///
/// On a pthread mutex and two condition variables, which ThreadSanitizer sees, and which,
/// unlike a `DispatchSemaphore`, may be released with elements left in the queue (a run that
/// stopped early).
public final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    private var items: [Element] = []
    private let capacity: Int
    private var cancelled = false
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let notEmpty: UnsafeMutablePointer<pthread_cond_t>
    private let notFull: UnsafeMutablePointer<pthread_cond_t>

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        notEmpty = .allocate(capacity: 1)
        notEmpty.initialize(to: pthread_cond_t())
        pthread_cond_init(notEmpty, nil)
        notFull = .allocate(capacity: 1)
        notFull.initialize(to: pthread_cond_t())
        pthread_cond_init(notFull, nil)
    }

    deinit {
        pthread_cond_destroy(notFull)
        notFull.deallocate()
        pthread_cond_destroy(notEmpty)
        notEmpty.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Waits for room, then appends; returns false once the consumer has cancelled.
    public func push(_ element: sending Element) -> Bool {
        pthread_mutex_lock(mutex)
        while items.count >= capacity && !cancelled { pthread_cond_wait(notFull, mutex) }
        if cancelled {
            pthread_mutex_unlock(mutex)
            return false
        }
        items.append(element)
        pthread_mutex_unlock(mutex)
        // Signalled after the unlock: the woken consumer does not wait for the mutex.
        pthread_cond_signal(notEmpty)
        return true
    }

    /// Waits for the next element.
    public func pop() -> Element {
        pthread_mutex_lock(mutex)
        while items.isEmpty { pthread_cond_wait(notEmpty, mutex) }
        let element = items.removeFirst()
        pthread_mutex_unlock(mutex)
        pthread_cond_signal(notFull)
        return element
    }

    /// Tells the producer to stop; it wakes if it waits for room.
    public func cancel() {
        pthread_mutex_lock(mutex)
        cancelled = true
        pthread_cond_broadcast(notFull)
        pthread_mutex_unlock(mutex)
    }
}

/// A thread of the run, with a lifecycle: started with its body, then joined, so no thread
/// outlives the run. Every thread uxchurn starts is one of these: the parser workers
/// (`WorkerPool`), a gzip input's reader (`ChunkStream`), the statistics thread and
/// `BackgroundValue`.
public final class RunThread: @unchecked Sendable {
    private let thread: pthread_t
    private let joined = Locked(false)

    private init(_ thread: pthread_t) {
        self.thread = thread
    }

    /// Starts `body` on a new thread; nil when the system refuses one.
    public static func start(_ body: sending @escaping () -> Void) -> RunThread? {
        final class Box {
            let body: () -> Void
            init(_ body: @escaping () -> Void) { self.body = body }
        }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            // `raw` is the box passed below, retained once for this thread.
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        guard status == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            return nil
        }
        return RunThread(thread)
    }

    /// Waits until the body has returned; at once after the first time.
    public func join() {
        joined.withLock { joined in
            guard !joined else { return }
            pthread_join(thread, nil)
            joined = true
        }
    }

    /// Whether `join()` has returned.
    public var isJoined: Bool { joined.withLock { $0 } }

    deinit {
        // The owner let go of a thread it did not join (a run that stopped early): wait for it.
        join()
    }
}

/// A value computed on a thread of its own while the caller goes on; `wait()` takes it.
/// When the system refuses a thread, the value is computed on the caller's thread instead.
public final class BackgroundValue<Value: Sendable>: Sendable {
    private let result = BlockingQueue<Value>(capacity: 1)
    private let inline: Locked<Value?>
    private let thread: RunThread?

    public init(_ compute: @escaping @Sendable () -> Value) {
        let result = result
        thread = RunThread.start { _ = result.push(compute()) }
        inline = Locked(thread == nil ? compute() : nil)
    }

    /// A value already at hand.
    public init(ready value: Value) {
        inline = Locked(value)
        thread = nil
    }

    /// The value, waiting for it the first time.
    public func wait() -> Value {
        inline.withLock { stored in
            if let stored { return stored }
            let value = result.pop()
            thread?.join()
            stored = value
            return value
        }
    }
}

/// Lowers the calling thread's scheduling priority by `steps` nice levels (Linux, where the
/// nice value is per thread); elsewhere it does nothing. A thread cannot raise it back.
public func lowerCurrentThreadPriority(by steps: Int32) {
    #if os(Linux)
    // PRIO_PROCESS with 0 names the calling thread on Linux.
    errno = 0
    let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    guard errno == 0 else { return }
    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(current + steps, 19))
    #endif
}
