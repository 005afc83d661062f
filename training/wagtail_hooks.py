from django.contrib.auth.views import redirect_to_login
from wagtail import hooks


@hooks.register("before_serve_page")
def require_sign_in(page, request, serve_args, serve_kwargs):
    """Training content is for signed-in staff only."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None
