from django import forms

from referrals.models import Organisation


class SignUpForm(forms.Form):
    email = forms.EmailField(label="Work email", help_text="Your NHS email address.")
    given_name = forms.CharField(max_length=100)
    family_name = forms.CharField(max_length=100)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(active=True, is_service=False), label="Your hospital"
    )
    job_title = forms.CharField(max_length=100, help_text="e.g. Acute oncology registrar")
    phone = forms.CharField(max_length=30, help_text="A number the service can call back on, day or night.")
    password = forms.CharField(widget=forms.PasswordInput, help_text="At least 12 characters.")
