/// The one class each parsed line lands in, in the order they are tested.
public enum HitClass: UInt8, Sendable, CaseIterable {
    case invalidRequest
    case bot
    case asset
    case ignored
    case dropped
    case pageView
    case action

    /// Page views and actions are hits; the other classes are counted and set aside.
    @inlinable
    public var isHit: Bool { self == .pageView || self == .action }
}

/// How many parsed lines landed in each class.
public struct ClassCounts: Sendable, Equatable, Codable {
    public var invalidRequests = 0
    public var botRequests = 0
    public var assetRequests = 0
    public var ignoredRequests = 0
    public var droppedRequests = 0
    public var pageViews = 0
    public var actions = 0

    public init() {}

    /// Inlinable: called per line from the parser workers, in another module.
    @inlinable
    public mutating func add(_ hitClass: HitClass) {
        switch hitClass {
        case .invalidRequest: invalidRequests += 1
        case .bot: botRequests += 1
        case .asset: assetRequests += 1
        case .ignored: ignoredRequests += 1
        case .dropped: droppedRequests += 1
        case .pageView: pageViews += 1
        case .action: actions += 1
        }
    }

    public mutating func merge(_ other: ClassCounts) {
        invalidRequests += other.invalidRequests
        botRequests += other.botRequests
        assetRequests += other.assetRequests
        ignoredRequests += other.ignoredRequests
        droppedRequests += other.droppedRequests
        pageViews += other.pageViews
        actions += other.actions
    }
}
