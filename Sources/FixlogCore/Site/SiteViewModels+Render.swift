// Field lookup for the compiled renderer (SiteMustache): each view model answers with typed values, so
// rendering needs no dynamic casts. Keep in step with SiteViewModels.swift and SiteViewModels+Mustache.swift
// (SiteTests compares both lookups for every field).

extension BadgeVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "badgeKind": .text(badgeKind)
        case "badgeStatus": .text(badgeStatus)
        case "badgeLabel": .text(badgeLabel)
        case "badgeTitle": .text(badgeTitle)
        default: nil
        }
    }
}

extension LinkVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "linkHref": .text(linkHref)
        case "linkLabel": .text(linkLabel)
        case "linkTitle": .text(linkTitle)
        default: nil
        }
    }
}

extension RecordRowVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "rowHref": .text(rowHref)
        case "rowNumber": .text(rowNumber)
        case "rowTitle": .text(rowTitle)
        case "rowDate": rowDate.map(SiteValue.text)
        case "rowSummary": rowSummary.map(SiteValue.text)
        case "rowCheck": .object(rowCheck)
        case "rowVerify": .object(rowVerify)
        default: nil
        }
    }
}

extension TotalVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "totalLabel": .text(totalLabel)
        case "totalCount": .number(totalCount)
        case "totalStatus": .text(totalStatus)
        default: nil
        }
    }
}

extension FilterVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "filterKind": .text(filterKind)
        case "filterValue": .text(filterValue)
        case "filterLabel": .text(filterLabel)
        case "filterCount": .number(filterCount)
        default: nil
        }
    }
}

extension IndexVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "records": records.siteList
        case "hasRecords": .flag(hasRecords)
        case "recordCount": .number(recordCount)
        case "changeTotals": changeTotals.siteList
        case "stepTotals": stepTotals.siteList
        case "filters": filters.siteList
        case "dockerfileLinks": dockerfileLinks.siteList
        case "hasDockerfiles": .flag(hasDockerfiles)
        case "introHTML": .text(introHTML)
        default: nil
        }
    }
}

extension CodeLineVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "lineNumber": .number(lineNumber)
        case "lineAnchor": .text(lineAnchor)
        case "lineHref": .text(lineHref)
        case "lineText": .text(lineText)
        case "lineMarked": .flag(lineMarked)
        case "lineStatus": .text(lineStatus)
        case "lineRefs": lineRefs.siteList
        case "lineGap": lineGap.map(SiteValue.text)
        default: nil
        }
    }
}

extension ClaimVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "claimKind": .text(claimKind)
        case "claimInstruction": .text(claimInstruction)
        case "claimBadge": .object(claimBadge)
        case "claimDetail": claimDetail.map(SiteValue.text)
        case "claimWhere": claimWhere.map { SiteValue.object($0) }
        case "claimActual": claimActual.map(SiteValue.text)
        default: nil
        }
    }
}

extension StaleVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "staleWritten": .text(staleWritten)
        case "staleCorrect": .text(staleCorrect)
        default: nil
        }
    }
}

extension ChangeVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "changeAnchor": .text(changeAnchor)
        case "changeLabel": .text(changeLabel)
        case "changeRole": changeRole.map(SiteValue.text)
        case "changeFile": changeFile.map(SiteValue.text)
        case "changeFileLink": changeFileLink.map { SiteValue.object($0) }
        case "changeBadge": .object(changeBadge)
        case "changeLineRef": changeLineRef.map(SiteValue.text)
        case "changeStale": changeStale.map { SiteValue.object($0) }
        case "changeSuperseded": changeSuperseded.map { SiteValue.object($0) }
        case "changeExcerpt": changeExcerpt.siteList
        case "hasExcerpt": .flag(hasExcerpt)
        case "changeExcerptCaption": changeExcerptCaption.map(SiteValue.text)
        case "changeClaims": changeClaims.siteList
        case "hasClaims": .flag(hasClaims)
        case "changeNotes": .list(changeNotes.map(SiteValue.text))
        default: nil
        }
    }
}

extension StepRunVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "runBadge": .object(runBadge)
        case "runReason": runReason.map(SiteValue.text)
        case "runOutput": .text(runOutput)
        case "runMissing": .list(runMissing.map(SiteValue.text))
        case "hasMissing": .flag(hasMissing)
        case "runUnchecked": .list(runUnchecked.map(SiteValue.text))
        case "hasUnchecked": .flag(hasUnchecked)
        case "runEnvironment": runEnvironment.map(SiteValue.text)
        default: nil
        }
    }
}

extension StepVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "stepAnchor": .text(stepAnchor)
        case "stepNumber": .number(stepNumber)
        case "stepLabel": .text(stepLabel)
        case "stepPurpose": stepPurpose.map(SiteValue.text)
        case "stepLanguage": .text(stepLanguage)
        case "stepScript": .text(stepScript)
        case "stepExpected": stepExpected.map(SiteValue.text)
        case "stepRun": stepRun.map { SiteValue.object($0) }
        case "stepBadge": .object(stepBadge)
        default: nil
        }
    }
}

extension RecordPageVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "number": .text(number)
        case "title": .text(title)
        case "date": date.map(SiteValue.text)
        case "status": status.map(SiteValue.text)
        case "group": group.map(SiteValue.text)
        case "summary": summary.map(SiteValue.text)
        case "checkBadge": .object(checkBadge)
        case "verifyBadge": .object(verifyBadge)
        case "bodyHTML": .text(bodyHTML)
        case "changes": changes.siteList
        case "hasChanges": .flag(hasChanges)
        case "steps": steps.siteList
        case "hasSteps": .flag(hasSteps)
        case "supersededBy": supersededBy.siteList
        case "supersedes": supersedes.siteList
        case "hasSupersession": .flag(hasSupersession)
        case "previous": previous.map { SiteValue.object($0) }
        case "next": next.map { SiteValue.object($0) }
        case "logName": .text(logName)
        case "logLines": .text(logLines)
        default: nil
        }
    }
}

extension DockerfilePageVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "path": .text(path)
        case "lines": lines.siteList
        case "lineCount": .number(lineCount)
        case "documentedBy": documentedBy.siteList
        case "hasDocumentedBy": .flag(hasDocumentedBy)
        default: nil
        }
    }
}

extension TimelineGroupVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "groupLabel": .text(groupLabel)
        case "groupAnchor": .text(groupAnchor)
        case "entries": entries.siteList
        default: nil
        }
    }
}

extension TimelineVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "groups": groups.siteList
        case "hasGroups": .flag(hasGroups)
        default: nil
        }
    }
}

extension LayoutVM: SiteRenderable {
    func siteValue(_ key: String) -> SiteValue? {
        switch key {
        case "pageTitle": .text(pageTitle)
        case "siteTitle": .text(siteTitle)
        case "root": .text(root)
        case "canonical": canonical.map(SiteValue.text)
        case "content": .text(content)
        case "logName": .text(logName)
        case "navIndex": .flag(navIndex)
        case "navTimeline": .flag(navTimeline)
        default: nil
        }
    }
}
