import Testing
import LogInput
#if canImport(Glibc)
import Glibc
#endif

/// The run's threads: started, joined, values and errors handed back, nothing left running.
@Suite struct ThreadTests {
    @Test func aQueueHandsElementsOverInOrderAndBlocksWhenFull() {
        let queue = BlockingQueue<Int>(capacity: 2)
        let produced = Locked(0)
        let producer = RunThread.start {
            for value in 0..<1000 {
                _ = queue.push(value)
                produced.withLock { $0 += 1 }
            }
        }
        #expect(producer != nil)
        // The producer cannot run more than the capacity (plus the one it is pushing) ahead.
        usleep(20_000)
        #expect(produced.withLock { $0 } <= 3)
        var received: [Int] = []
        for _ in 0..<1000 { received.append(queue.pop()) }
        producer?.join()
        #expect(received == Array(0..<1000))
        #expect(producer?.isJoined == true)
    }

    @Test func cancellingWakesAProducerThatWaitsForRoom() {
        let queue = BlockingQueue<Int>(capacity: 1)
        let refused = Locked<Int?>(nil)
        let producer = RunThread.start {
            for value in 0..<10 where !queue.push(value) {
                refused.withLock { $0 = value }
                return
            }
        }
        usleep(10_000)
        queue.cancel()
        producer?.join()
        // The first push went in; the second waited for room until the cancel refused it.
        #expect(refused.withLock { $0 } == 1)
        #expect(queue.pop() == 0)
    }

    @Test func aQueueReleasedWithElementsLeftIsFine() {
        // What a stopped run leaves: a DispatchSemaphore-based queue trapped here.
        for _ in 0..<100 {
            let queue = BlockingQueue<[Int]>(capacity: 4)
            _ = queue.push([1, 2, 3])
            _ = queue.push([4])
        }
    }

    @Test func joiningTwiceOrDroppingAThreadWaitsForItsBody() {
        let done = Locked(false)
        var thread = RunThread.start {
            usleep(20_000)
            done.withLock { $0 = true }
        }
        // Released without a join: its deinit waits for the body.
        thread = nil
        #expect(thread == nil)
        #expect(done.withLock { $0 })
        let twice = RunThread.start {}
        twice?.join()
        twice?.join()
        #expect(twice?.isJoined == true)
    }

    @Test func aBackgroundValueIsComputedOnceAndWaitedForEveryTime() {
        let runs = Locked(0)
        let value = BackgroundValue { () -> Int in
            runs.withLock { $0 += 1 }
            return 42
        }
        #expect(value.wait() == 42)
        #expect(value.wait() == 42)
        #expect(runs.withLock { $0 } == 1)
        #expect(BackgroundValue(ready: "x").wait() == "x")
    }
}
