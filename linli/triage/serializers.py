from rest_framework import serializers


class ClassifyRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, help_text="诉求内容")
    estate = serializers.IntegerField(required=False, help_text="小区 id（可选）：按其所在街道的分类设置")


class ExplanationSerializer(serializers.Serializer):
    category_name = serializers.CharField(required=False)
    subcategory_name = serializers.CharField(required=False)
    limit_hours = serializers.IntegerField(allow_null=True, help_text="办理时限（小时），紧急诉求按小时计")
    urgency = serializers.ListField(child=serializers.CharField(), help_text="触发的危险信号")
    alternatives = serializers.ListField(child=serializers.DictField(), help_text="其次可能的分类")


class ClassifyResponseSerializer(serializers.Serializer):
    category = serializers.CharField()
    subcategory = serializers.CharField(allow_null=True)
    confidence = serializers.FloatField()
    # Plain strings, not enums: a model trained on another label set has none, and "level" would collide
    # with the registry's Division.level enum in the schema.
    tier = serializers.CharField(allow_null=True, help_text="easy 易事 / hard 难事 / major 大事")
    level = serializers.CharField(allow_null=True,
                                  help_text="building 楼栋 / estate 小区 / community 社区 / street 街道 / department 部门")
    urgent = serializers.BooleanField()
    keywords = serializers.ListField(child=serializers.CharField())
    uncertain = serializers.BooleanField(help_text="置信度低于阈值：应进入人工分拣")
    explanation = ExplanationSerializer()
