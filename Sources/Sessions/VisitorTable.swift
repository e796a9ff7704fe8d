import CScan

/// Session keys → dense visitor ids, in the order keys are first seen.
///
/// The hit stage looks up every hit's key on its one thread; Swift's `Dictionary` ran the
/// seeded SipHash (`Hasher`) for each of them. Here a key's three ids are mixed by
/// multiplication and the high bits pick a slot of an open-addressed table (linear probing,
/// at most half full): a few instructions a hit. A slot holds the key beside its id, so a
/// lookup reads one place of the table (a big table's reads are cache misses; `prefetch` lets
/// a caller start several of them at once).
struct VisitorTable {
    /// By id: each visitor's key.
    private(set) var keys: [VisitorKey] = []
    private var slots: [Slot]
    private var shift: UInt64

    private struct Slot {
        var key = VisitorKey(address: 0, agent: 0, extra: 0)
        /// id + 1; 0 is empty.
        var stored: Int32 = 0
    }

    init(capacityBits: Int = 12) {
        slots = Array(repeating: Slot(), count: 1 << capacityBits)
        shift = UInt64(64 - capacityBits)
    }

    var count: Int { keys.count }

    @inline(__always)
    private func slot(of key: VisitorKey) -> Int {
        var mixed = UInt64(UInt32(bitPattern: key.address)) &* 0x9E37_79B9_7F4A_7C15
        mixed = (mixed ^ UInt64(UInt32(bitPattern: key.agent))) &* 0xC2B2_AE3D_27D4_EB4F
        mixed = (mixed ^ UInt64(UInt32(bitPattern: key.extra))) &* 0x1656_67B1_9E37_79F9
        return Int(truncatingIfNeeded: mixed >> shift)
    }

    /// Starts the read of the key's slot, for an `id(of:)` a few keys later.
    @inline(__always)
    func prefetch(_ key: VisitorKey) {
        slots.withUnsafeBufferPointer { uxchurn_prefetch($0.baseAddress! + slot(of: key)) }  // never empty
    }

    /// The key's id; the next id when the key is new.
    @inline(__always)
    mutating func id(of key: VisitorKey) -> Int32 {
        let mask = slots.count - 1
        var index = slot(of: key)
        while true {
            let slot = slots[index]
            if slot.stored == 0 { break }
            if slot.key == key { return slot.stored - 1 }
            index = (index + 1) & mask
        }
        let id = Int32(keys.count)
        keys.append(key)
        slots[index] = Slot(key: key, stored: id + 1)
        if keys.count * 2 > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        slots = Array(repeating: Slot(), count: slots.count * 2)
        shift -= 1
        let mask = slots.count - 1
        for (id, key) in keys.enumerated() {
            var index = slot(of: key)
            while slots[index].stored != 0 { index = (index + 1) & mask }
            slots[index] = Slot(key: key, stored: Int32(id + 1))
        }
    }
}
