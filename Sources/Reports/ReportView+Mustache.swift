import LogInput
import Mustache

// The view models answer the templates by name: `Mirror` would find the same values, at a
// cost that dominated small runs. The golden report tests catch a field missing here.

extension ReportView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "site": return site
        case "period": return period
        case "headline": return headline
        case "comparison": return comparison
        case "notices": return notices
        case "noticesHTML": return notices.map(Escape.htmlWithCode)
        case "missingTiming": return missingTiming.map(Escape.htmlWithCode)
        case "pagesNotice": return pagesNotice
        case "pagesNoticeHTML": return pagesNotice.map(Escape.htmlWithCode)
        case "thresholds": return thresholds
        case "funnels": return funnels
        case "cart": return cart
        case "frustration": return frustration
        case "load": return load
        case "leaving": return leaving
        case "errors": return errors
        case "entryPages": return entryPages
        case "exitPages": return exitPages
        case "pages": return pages
        case "topPages": return topPages
        case "paths": return paths
        case "flow": return flow
        case "trends": return trends
        case "retention": return retention
        case "quality": return quality
        case "charts": return charts
        case "chartStyle": return chartStyle
        case "generator": return generator
        default: return nil
        }
    }
}

extension ChartView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "svg": return svg
        case "file": return file
        default: return nil
        }
    }
}

extension FigureView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "value": return value
        case "change": return change
        case "trend": return trend
        case "interval": return interval
        case "few": return few
        case "withinChance": return withinChance
        default: return nil
        }
    }
}

extension ThresholdsView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "rows": return rows
        case "passed": return passed
        case "failed": return failed
        case "allPassed": return allPassed
        default: return nil
        }
    }
}

extension FunnelView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "anchor": return anchor
        case "conversion": return conversion
        case "conversionInterval": return conversionInterval
        case "few": return few
        case "insight": return insight
        case "notice": return notice
        case "noticeHTML": return notice.map(Escape.htmlWithCode)
        case "chart": return chart
        case "steps": return steps
        case "devices": return devices
        case "sources": return sources
        case "deviceChart": return deviceChart
        case "sourceChart": return sourceChart
        case "deviceInsight": return deviceInsight
        case "sourceInsight": return sourceInsight
        default: return nil
        }
    }
}

extension FunnelStepRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "sessions": return sessions
        case "fromPrevious": return fromPrevious
        case "fromStart": return fromStart
        case "lost": return lost
        case "medianTime": return medianTime
        default: return nil
        }
    }
}

extension SegmentRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "sessions": return sessions
        case "conversion": return conversion
        case "interval": return interval
        case "few": return few
        default: return nil
        }
    }
}

extension CartView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "sessions": return sessions
        case "abandoned": return abandoned
        case "rate": return rate
        case "interval": return interval
        case "few": return few
        case "notice": return notice
        case "noticeHTML": return notice.map(Escape.htmlWithCode)
        case "chart": return chart
        case "leftAt": return leftAt
        case "hasCarts": return hasCarts
        case "emptyNote": return emptyNote
        default: return nil
        }
    }
}

extension PageShareRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "group": return group
        case "count": return count
        case "share": return share
        case "interval": return interval
        case "few": return few
        default: return nil
        }
    }
}

extension LoadView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "apdexThreshold": return apdexThreshold
        case "chart": return chart
        case "rows": return rows
        case "histograms": return histograms
        case "histogramGroups": return histogramGroups
        case "histogramRows": return histogramRows
        default: return nil
        }
    }
}

extension LoadRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "group": return group
        case "views": return views
        case "p50": return p50
        case "p75": return p75
        case "p95": return p95
        case "p99": return p99
        case "apdex": return apdex
        default: return nil
        }
    }
}

extension BinRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "views": return views
        default: return nil
        }
    }
}

extension LeavingView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "insight": return insight
        case "chart": return chart
        case "rows": return rows
        default: return nil
        }
    }
}

extension BucketRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "views": return views
        case "exits": return exits
        case "exitRate": return exitRate
        case "interval": return interval
        case "few": return few
        default: return nil
        }
    }
}

extension ErrorExitsView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "errorExits": return errorExits
        case "errorExitRate": return errorExitRate
        case "deadEnds": return deadEnds
        case "sessions": return sessions
        default: return nil
        }
    }
}

extension PageRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "group": return group
        case "views": return views
        case "entries": return entries
        case "exits": return exits
        case "exitRate": return exitRate
        case "errorRate": return errorRate
        case "exitInterval": return exitInterval
        case "errorInterval": return errorInterval
        case "few": return few
        case "medianOnPage": return medianOnPage
        case "p95": return p95
        default: return nil
        }
    }
}

extension PathRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "path": return path
        case "sessions": return sessions
        case "share": return share
        default: return nil
        }
    }
}

extension TrendsView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "charts": return charts
        case "emptyCharts": return emptyCharts.map(Escape.htmlWithCode)
        case "partialDays": return partialDays
        case "days": return days
        case "hasConversion": return hasConversion
        case "hasAbandonment": return hasAbandonment
        default: return nil
        }
    }
}

extension DayRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "date": return date
        case "sessions": return sessions
        case "visitors": return visitors
        case "pageViews": return pageViews
        case "bounceRate": return bounceRate
        case "conversion": return conversion
        case "abandonment": return abandonment
        case "p95": return p95
        case "partial": return partial
        case "bounceFew": return bounceFew
        case "conversionFew": return conversionFew
        case "abandonmentFew": return abandonmentFew
        case "frustrated": return frustrated
        case "frustratedFew": return frustratedFew
        default: return nil
        }
    }
}

extension RetentionView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "chart": return chart
        case "figures": return figures
        case "note": return note
        case "noteHTML": return Escape.htmlWithCode(note)
        case "columns": return columns
        case "cohorts": return cohorts
        default: return nil
        }
    }
}

extension CohortRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "visitors": return visitors
        case "cells": return cells
        default: return nil
        }
    }
}

extension QualityView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "inputs": return inputs
        case "format": return format
        case "lines": return lines
        case "parsed": return parsed
        case "skipped": return skipped
        case "skippedShare": return skippedShare
        case "samples": return samples
        case "classes": return classes
        case "botShare": return botShare
        case "faults": return faults
        case "hitsOutsideWindow": return hitsOutsideWindow
        case "lateHits": return lateHits
        case "foldedViews": return foldedViews
        case "automaticGroupLimit": return automaticGroupLimit
        case "bots": return bots
        case "fitted": return fitted
        default: return nil
        }
    }
}

extension FittedView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "sampledLines": return sampledLines
        case "preset": return preset
        case "ignored": return ignored
        case "pages": return pages
        case "steps": return steps
        case "noShop": return noShop
        default: return nil
        }
    }
}

extension BotsView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "botRequests": return botRequests
        case "botShare": return botShare
        case "families": return families
        case "familyChart": return familyChart
        case "excludedSessions": return excludedSessions
        case "excludedShare": return excludedShare
        case "reasons": return reasons
        case "probes": return probes
        case "days": return days
        case "dayChart": return dayChart
        default: return nil
        }
    }
}

extension CountRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "count", "requests": return count  // `requests`: the class table's name for it
        case "share": return share
        default: return nil
        }
    }
}

extension InputRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "file": return file
        case "format": return format
        default: return nil
        }
    }
}

extension SampleRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "location": return location
        case "text": return text
        case "reason": return reason
        default: return nil
        }
    }
}
extension ThresholdRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "limit": return limit
        case "value": return value
        case "ok": return ok
        case "note": return note
        default: return nil
        }
    }
}

extension Chart: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "title": return title
        default: return nil
        }
    }
}

extension FrustrationView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "rate": return rate
        case "interval": return interval
        case "few": return few
        case "sessions": return sessions
        case "frustrated": return frustrated
        case "insight": return insight
        case "signals": return signals
        case "pageExitRate": return pageExitRate
        case "groups": return groups
        case "chart": return chart
        case "funnels": return funnels
        default: return nil
        }
    }
}

extension SignalRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "what": return what
        case "count": return count
        case "ended": return ended
        case "endedRate": return endedRate
        case "interval": return interval
        case "few": return few
        default: return nil
        }
    }
}

extension SignalGroupRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "group": return group
        case "views": return views
        case "signals": return signals
        case "perThousand": return perThousand
        case "interval": return interval
        case "few": return few
        case "commonest": return commonest
        default: return nil
        }
    }
}

extension FrustrationFunnelRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "frustrated": return frustrated
        case "frustratedSessions": return frustratedSessions
        case "frustratedInterval": return frustratedInterval
        case "frustratedFew": return frustratedFew
        case "calm": return calm
        case "calmSessions": return calmSessions
        case "calmInterval": return calmInterval
        case "calmFew": return calmFew
        default: return nil
        }
    }
}
