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

/// Decodes `Decodable` values from `JSONValue` trees (or JSON text).
public struct JSONValueDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try T(from: TreeDecoder(value: value, codingPath: []))
    }

    public func decode<T: Decodable, Bytes: Collection<UInt8>>(_ type: T.Type, from bytes: Bytes) throws -> T {
        try decode(type, from: try JSONValue.parse(bytes))
    }
}

// MARK: - Encoding

/// A slot a container writes into; arrays and objects are filled in place and read at the end.
private final class Slot {
    enum Kind { case empty, value, array, object }

    private(set) var kind = Kind.empty
    private var leaf = JSONValue.null
    /// The children of an array or an object, appended in place.
    private(set) var items: [Slot] = []
    private var members: [String: Slot] = [:]

    func set(_ value: JSONValue) {
        kind = .value
        leaf = value
    }

    /// Makes this slot an array (keeping its items if it is one) and adds a child.
    func appendItem() -> Slot {
        becomeArray()
        let child = Slot()
        items.append(child)
        return child
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
        members[key] = child
        return child
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

private struct StringKey: CodingKey {
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

/// Turns a leaf into a `JSONValue`, or encodes a nested value into `slot`.
private func encodeValue<T: Encodable>(_ value: T, into slot: Slot, codingPath: [any CodingKey]) throws {
    switch value {
    case let value as Bool: slot.set(.bool(value))
    case let value as String: slot.set(.string(value))
    case let value as Double: slot.set(try number(value, codingPath))
    case let value as Float: slot.set(try number(Double(value), codingPath))
    case let value as Int: slot.set(.int(value))
    case let value as Int8: slot.set(.int(Int(value)))
    case let value as Int16: slot.set(.int(Int(value)))
    case let value as Int32: slot.set(.int(Int(value)))
    case let value as Int64: slot.set(.int(Int(value)))
    case let value as UInt8: slot.set(.int(Int(value)))
    case let value as UInt16: slot.set(.int(Int(value)))
    case let value as UInt32: slot.set(.int(Int(value)))
    case let value as UInt64:
        guard let int = Int(exactly: value) else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "\(value) does not fit an Int"))
        }
        slot.set(.int(int))
    case let value as UInt:
        guard let int = Int(exactly: value) else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "\(value) does not fit an Int"))
        }
        slot.set(.int(int))
    default:
        try value.encode(to: TreeEncoder(codingPath: codingPath, storage: slot))
    }
}

private func number(_ value: Double, _ codingPath: [any CodingKey]) throws -> JSONValue {
    guard value.isFinite else {
        throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "\(value) is not a JSON number"))
    }
    return .number(value)
}

private struct KeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [any CodingKey]

    private func child(_ key: Key) -> Slot { slot.member(key.stringValue) }

    mutating func encodeNil(forKey key: Key) throws { child(key).set(.null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encodeValue(value, into: child(key), codingPath: codingPath + [key])
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
        TreeEncoder(codingPath: codingPath, storage: child(Key(stringValue: "super")!))
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
        try encodeValue(value, into: next(), codingPath: codingPath + [StringKey(intValue: count)])
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
        try encodeValue(value, into: slot, codingPath: codingPath)
    }
}

// MARK: - Decoding

private struct TreeDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case let .object(members) = value else { throw mismatch([String: Any].self, value, codingPath) }
        var index: [String: JSONValue] = [:]
        for (key, member) in members where index[key] == nil { index[key] = member }
        return KeyedDecodingContainer(KeyedDecoder<Key>(members: index, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case let .array(items) = value else { throw mismatch([Any].self, value, codingPath) }
        return UnkeyedDecoder(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleDecoder(value: value, codingPath: codingPath)
    }
}

private func mismatch(_ type: Any.Type, _ value: JSONValue, _ codingPath: [any CodingKey]) -> DecodingError {
    .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(type), found \(value.kind)"))
}

extension JSONValue {
    /// What kind of value this is, as messages name it.
    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Decodes a leaf, or a nested value through a `TreeDecoder`.
private func decodeValue<T: Decodable>(_ type: T.Type, from value: JSONValue, codingPath: [any CodingKey]) throws -> T {
    func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        switch value {
        case let .int(int):
            if let exact = I(exactly: int) { return exact }
        case let .number(double):
            if let exact = I(exactly: double) { return exact }
        default:
            throw mismatch(type, value, codingPath)
        }
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(value) does not fit \(type)"))
    }
    switch type {
    case is Bool.Type:
        guard case let .bool(bool) = value else { throw mismatch(type, value, codingPath) }
        return bool as! T
    case is String.Type:
        guard case let .string(string) = value else { throw mismatch(type, value, codingPath) }
        return string as! T
    case is Double.Type, is Float.Type:
        let double: Double
        switch value {
        case let .int(int): double = Double(int)
        case let .number(number): double = number
        default: throw mismatch(type, value, codingPath)
        }
        if type is Float.Type { return Float(double) as! T }
        return double as! T
    case is Int.Type: return try integer(Int.self) as! T
    case is Int8.Type: return try integer(Int8.self) as! T
    case is Int16.Type: return try integer(Int16.self) as! T
    case is Int32.Type: return try integer(Int32.self) as! T
    case is Int64.Type: return try integer(Int64.self) as! T
    case is UInt8.Type: return try integer(UInt8.self) as! T
    case is UInt16.Type: return try integer(UInt16.self) as! T
    case is UInt32.Type: return try integer(UInt32.self) as! T
    case is UInt64.Type: return try integer(UInt64.self) as! T
    case is UInt.Type: return try integer(UInt.self) as! T
    default:
        return try T(from: TreeDecoder(value: value, codingPath: codingPath))
    }
}

private struct KeyedDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no \"\(key.stringValue)\""))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try member(key) { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decodeValue(type, from: try member(key), codingPath: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(value: try member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(value: try member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        TreeDecoder(value: members["super"] ?? .null, codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        TreeDecoder(value: try member(key), codingPath: codingPath + [key])
    }
}

private struct UnkeyedDecoder: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(items: [JSONValue], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next(_ type: Any.Type) throws -> JSONValue {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath, debugDescription: "the array ended"))
        }
        defer { currentIndex += 1 }
        return items[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if case .null = items[currentIndex] {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let path = codingPath + [StringKey(intValue: currentIndex)]
        return try decodeValue(type, from: try next(type), codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(value: try next([String: Any].self), codingPath: codingPath).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(value: try next([Any].self), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        TreeDecoder(value: try next(Any.self), codingPath: codingPath)
    }
}

private struct SingleDecoder: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        if case .null = value { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decodeValue(type, from: value, codingPath: codingPath)
    }
}
