from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

urlpatterns = [
    path("sign-up/", views.sign_up, name="sign-up"),
    path("log-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("log-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.choose_language, name="choose-language"),
    path("me/", views.account, name="account"),
    path("me/name/", views.account_name, name="account-name"),
    path("me/email/", views.account_email, name="account-email"),
    path("me/mobile/", views.account_mobile, name="account-mobile"),
    path("me/mobile/confirm/", views.account_mobile_confirm, name="account-mobile-confirm"),
    path("me/password/", views.account_password, name="account-password"),
    path("me/channels/", views.account_channels, name="account-channels"),
    path("second-factor/", views.second_factor, name="second-factor"),
    path("second-factor/enrol/", views.second_factor_enrol, name="second-factor-enrol"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("password_reset_complete")),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
]
