from returndesk.core.errors import ConflictError, DomainError, NotFound, PermissionDenied


def forbidden() -> PermissionDenied:
    return PermissionDenied(
        "knowledge.forbidden", "您的角色无权编辑知识库", "Your role may not edit the knowledge base"
    )


def invalid(field: str, zh: str, en: str) -> DomainError:
    return DomainError("knowledge.invalid", zh, en, fields={field: (zh, en)})


def conflict() -> ConflictError:
    return ConflictError(
        "knowledge.conflict",
        "文章已被他人修改,请刷新后重试",
        "Someone else changed the article; reload and try again",
    )


def not_found() -> NotFound:
    return NotFound("knowledge.not_found", "没有这篇文章", "No such article")
