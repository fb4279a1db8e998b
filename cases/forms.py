from django import forms


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Find a patient",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": "MRN, NHS number or name (family, given)", "autofocus": True, "type": "search"}
        ),
    )
