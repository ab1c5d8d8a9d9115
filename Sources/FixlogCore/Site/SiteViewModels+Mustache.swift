import Mustache

// Field lookup for the templates without reflection: Mustache asks a `MustacheParent` for a key instead
// of walking a Mirror, which keeps rendering linear and fast for large logs. Generated from
// SiteViewModels.swift; keep in step with it (SiteTests checks every field is reachable).

extension BadgeVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "badgeKind": badgeKind
        case "badgeStatus": badgeStatus
        case "badgeLabel": badgeLabel
        case "badgeTitle": badgeTitle
        default: nil
        }
    }
}

extension LinkVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "linkHref": linkHref
        case "linkLabel": linkLabel
        case "linkTitle": linkTitle
        default: nil
        }
    }
}

extension RecordRowVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "rowHref": rowHref
        case "rowNumber": rowNumber
        case "rowTitle": rowTitle
        case "rowDate": rowDate
        case "rowSummary": rowSummary
        case "rowCheck": rowCheck
        case "rowVerify": rowVerify
        default: nil
        }
    }
}

extension TotalVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "totalLabel": totalLabel
        case "totalCount": totalCount
        case "totalStatus": totalStatus
        default: nil
        }
    }
}

extension FilterVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "filterKind": filterKind
        case "filterValue": filterValue
        case "filterLabel": filterLabel
        case "filterCount": filterCount
        default: nil
        }
    }
}

extension IndexVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "records": records
        case "hasRecords": hasRecords
        case "recordCount": recordCount
        case "changeTotals": changeTotals
        case "stepTotals": stepTotals
        case "filters": filters
        case "dockerfileLinks": dockerfileLinks
        case "hasDockerfiles": hasDockerfiles
        case "introHTML": introHTML
        default: nil
        }
    }
}

extension CodeLineVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "lineNumber": lineNumber
        case "lineAnchor": lineAnchor
        case "lineHref": lineHref
        case "lineText": lineText
        case "lineMarked": lineMarked
        case "lineStatus": lineStatus
        case "lineRefs": lineRefs
        case "lineGap": lineGap
        default: nil
        }
    }
}

extension ClaimVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "claimKind": claimKind
        case "claimInstruction": claimInstruction
        case "claimBadge": claimBadge
        case "claimDetail": claimDetail
        case "claimWhere": claimWhere
        case "claimActual": claimActual
        default: nil
        }
    }
}

extension StaleVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "staleWritten": staleWritten
        case "staleCorrect": staleCorrect
        default: nil
        }
    }
}

extension ChangeVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "changeAnchor": changeAnchor
        case "changeLabel": changeLabel
        case "changeRole": changeRole
        case "changeFile": changeFile
        case "changeFileLink": changeFileLink
        case "changeBadge": changeBadge
        case "changeLineRef": changeLineRef
        case "changeStale": changeStale
        case "changeSuperseded": changeSuperseded
        case "changeExcerpt": changeExcerpt
        case "hasExcerpt": hasExcerpt
        case "changeExcerptCaption": changeExcerptCaption
        case "changeClaims": changeClaims
        case "hasClaims": hasClaims
        case "changeNotes": changeNotes
        default: nil
        }
    }
}

extension StepRunVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "runBadge": runBadge
        case "runReason": runReason
        case "runOutput": runOutput
        case "runMissing": runMissing
        case "hasMissing": hasMissing
        case "runUnchecked": runUnchecked
        case "hasUnchecked": hasUnchecked
        case "runEnvironment": runEnvironment
        default: nil
        }
    }
}

extension StepVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "stepAnchor": stepAnchor
        case "stepNumber": stepNumber
        case "stepLabel": stepLabel
        case "stepPurpose": stepPurpose
        case "stepLanguage": stepLanguage
        case "stepScript": stepScript
        case "stepExpected": stepExpected
        case "stepRun": stepRun
        case "stepBadge": stepBadge
        default: nil
        }
    }
}

extension RecordPageVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "number": number
        case "title": title
        case "date": date
        case "status": status
        case "group": group
        case "summary": summary
        case "checkBadge": checkBadge
        case "verifyBadge": verifyBadge
        case "bodyHTML": bodyHTML
        case "changes": changes
        case "hasChanges": hasChanges
        case "steps": steps
        case "hasSteps": hasSteps
        case "supersededBy": supersededBy
        case "supersedes": supersedes
        case "hasSupersession": hasSupersession
        case "previous": previous
        case "next": next
        case "logName": logName
        case "logLines": logLines
        default: nil
        }
    }
}

extension DockerfilePageVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "path": path
        case "lines": lines
        case "lineCount": lineCount
        case "documentedBy": documentedBy
        case "hasDocumentedBy": hasDocumentedBy
        default: nil
        }
    }
}

extension TimelineGroupVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "groupLabel": groupLabel
        case "groupAnchor": groupAnchor
        case "entries": entries
        default: nil
        }
    }
}

extension TimelineVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "groups": groups
        case "hasGroups": hasGroups
        default: nil
        }
    }
}

extension LayoutVM: MustacheParent, MustacheParentProbe {
    func child(named key: String) -> Any? {
        switch key {
        case "pageTitle": pageTitle
        case "siteTitle": siteTitle
        case "root": root
        case "canonical": canonical
        case "content": content
        case "logName": logName
        case "navIndex": navIndex
        case "navTimeline": navTimeline
        default: nil
        }
    }
}

/// For tests: view-model field lookup without importing Mustache.
protocol MustacheParentProbe {
    func probe(_ key: String) -> Any?
}

extension MustacheParentProbe where Self: MustacheParent {
    func probe(_ key: String) -> Any? { child(named: key) }
}
