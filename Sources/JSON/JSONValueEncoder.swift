/// Encodes `Encodable` values as `JSONValue` trees, the keys of every object sorted. (Swift
/// encodes a dictionary whose keys are not strings as a list of keys and values in its own
/// order, which this does not change.) Non-finite numbers are refused.
public struct JSONValueEncoder {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = TreeEncoder(codingPath: [])
        try value.encode(to: encoder)
        return encoder.storage.value ?? .object([])
    }

    /// The value as compact JSON text.
    public func text<T: Encodable>(_ value: T) throws -> String {
        try encode(value).compact()
    }
}

/// A slot a container writes into; arrays and objects are filled in place and read at the end.
/// A number, string or boolean goes in as a leaf, without a slot of its own.
private final class Slot {
    enum Kind { case empty, value, array, object }

    enum Child {
        case leaf(JSONValue)
        case slot(Slot)

        var value: JSONValue? {
            switch self {
            case let .leaf(value): return value
            case let .slot(slot): return slot.value
            }
        }
    }

    private(set) var kind = Kind.empty
    private var leaf = JSONValue.null
    /// The children of an array or an object, appended in place.
    private(set) var items: [Child] = []
    private var members: [String: Child] = [:]

    func set(_ value: JSONValue) {
        kind = .value
        leaf = value
    }

    /// Makes this slot an array (keeping its items if it is one) and adds a child.
    func appendItem() -> Slot {
        becomeArray()
        let child = Slot()
        items.append(.slot(child))
        return child
    }

    func appendLeaf(_ value: JSONValue) {
        becomeArray()
        items.append(.leaf(value))
    }

    func becomeArray() {
        if kind != .array {
            kind = .array
            items = []
        }
    }

    /// Makes this slot an object (keeping its members if it is one) and adds a child.
    func member(_ key: String) -> Slot {
        becomeObject()
        let child = Slot()
        members[key] = .slot(child)
        return child
    }

    func setMember(_ key: String, _ value: JSONValue) {
        becomeObject()
        members[key] = .leaf(value)
    }

    func becomeObject() {
        if kind != .object {
            kind = .object
            members = [:]
        }
    }

    var value: JSONValue? {
        switch kind {
        case .empty: return nil
        case .value: return leaf
        case .array: return .array(items.map { $0.value ?? .null })
        case .object: return .object(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value.value ?? .object([])) })
        }
    }
}

/// A key made of a string or an array index, for coding paths.
struct StringKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

private final class TreeEncoder: Encoder {
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any] = [:]
    let storage: Slot

    init(codingPath: [any CodingKey], storage: Slot = Slot()) {
        self.codingPath = codingPath
        self.storage = storage
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        storage.becomeObject()
        return KeyedEncodingContainer(KeyedEncoder<Key>(slot: storage, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        storage.becomeArray()
        return UnkeyedEncoder(slot: storage, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleEncoder(slot: storage, codingPath: codingPath)
    }
}

/// A number, string or boolean as a `JSONValue`; nil for any other value (it encodes itself).
/// The coding path is made only for an error.
private func leaf<T: Encodable>(_ value: T, _ codingPath: () -> [any CodingKey]) throws -> JSONValue? {
    func fitting<I: BinaryInteger>(_ value: I) throws -> JSONValue {
        guard let int = Int(exactly: value) else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath(), debugDescription: "\(value) does not fit an Int"))
        }
        return .int(int)
    }
    // The type is compared first: a dynamic cast per value cost more than the rest of encoding.
    if T.self == Int.self { return .int(unsafeBitCast(value, to: Int.self)) }
    if T.self == Int32.self { return .int(Int(unsafeBitCast(value, to: Int32.self))) }
    if T.self == Int64.self { return .int(Int(unsafeBitCast(value, to: Int64.self))) }
    if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
    if T.self == Double.self {
        let double = unsafeBitCast(value, to: Double.self)
        guard double.isFinite else {
            throw EncodingError.invalidValue(double, .init(codingPath: codingPath(), debugDescription: "\(double) is not a JSON number"))
        }
        return .number(double)
    }
    if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
    switch value {
    case let value as Int16: return .int(Int(value))
    case let value as Int8: return .int(Int(value))
    case let value as UInt8: return .int(Int(value))
    case let value as UInt16: return .int(Int(value))
    case let value as UInt32: return .int(Int(value))
    case let value as UInt64: return try fitting(value)
    case let value as UInt: return try fitting(value)
    case let value as Float: return try leaf(Double(value), codingPath)
    default: return nil
    }
}

private struct KeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [any CodingKey]

    private func child(_ key: Key) -> Slot { slot.member(key.stringValue) }

    mutating func encodeNil(forKey key: Key) throws { child(key).set(.null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if let leaf = try leaf(value, { codingPath + [key] }) {
            slot.setMember(key.stringValue, leaf)
        } else {
            try value.encode(to: TreeEncoder(codingPath: codingPath + [key], storage: child(key)))
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = child(key)
        nested.becomeObject()
        return KeyedEncodingContainer(KeyedEncoder<NestedKey>(slot: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = child(key)
        nested.becomeArray()
        return UnkeyedEncoder(slot: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        TreeEncoder(codingPath: codingPath + [StringKey(stringValue: "super")], storage: slot.member("super"))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoder(codingPath: codingPath + [key], storage: child(key))
    }
}

private struct UnkeyedEncoder: UnkeyedEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]

    var count: Int { slot.items.count }

    private func next() -> Slot { slot.appendItem() }

    mutating func encodeNil() throws { next().set(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = count
        if let leaf = try leaf(value, { codingPath + [StringKey(intValue: index)] }) {
            slot.appendLeaf(leaf)
        } else {
            try value.encode(to: TreeEncoder(codingPath: codingPath + [StringKey(intValue: index)], storage: next()))
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = next()
        nested.becomeObject()
        return KeyedEncodingContainer(KeyedEncoder<NestedKey>(slot: nested, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = next()
        nested.becomeArray()
        return UnkeyedEncoder(slot: nested, codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder {
        TreeEncoder(codingPath: codingPath, storage: next())
    }
}

private struct SingleEncoder: SingleValueEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.set(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if let leaf = try leaf(value, { codingPath }) {
            slot.set(leaf)
        } else {
            try value.encode(to: TreeEncoder(codingPath: codingPath, storage: slot))
        }
    }
}
