"""Download of one's own course certificate as a PDF."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.text import slugify

from exports.certificates import certificate_pdf
from training.certificates import certificate_issue


@login_required
def certificate_download(request, completion_id: int):
    """The certificate of one of the reader's own completions (404 for anyone else's)."""
    certificate = certificate_issue(user=request.user, completion_id=completion_id)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    name = slugify(f"zertifikat-{certificate.course_title}") or "zertifikat"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
